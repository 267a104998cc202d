package org.custos.fhir;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * The private key a SMART Backend Services client signs its token requests with: RSA (signed RS384) or EC P-384
 * (ES384), the two SMART asks servers to accept; from a JWK or JWK Set (with its private part) or an unencrypted
 * PKCS#8 PEM file. The key id is the JWK's {@code kid}, else the one given, else the key's RFC 7638 thumbprint.
 */
public record ClientKey(PrivateKey key, JWSAlgorithm algorithm, String keyId) {

    @Override
    public String toString() {
        return "ClientKey[" + algorithm + ", kid " + keyId + "]"; // never the key
    }

    /**
     * Reads a key from the text of a key file.
     *
     * @param source what to call the file in messages
     * @param keyId  the key id to use when the file has none (null: the thumbprint)
     * @throws SmartException what is wrong with the key, in words (never the key)
     */
    public static ClientKey parse(String text, String source, String keyId) {
        String t = text == null ? "" : text.strip();
        try {
            if (t.startsWith("{")) {
                JWK jwk;
                if (t.contains("\"keys\"")) {
                    jwk = JWKSet.parse(t).getKeys().stream().filter(JWK::isPrivate).findFirst().orElseThrow(() ->
                            new SmartException("The JWK Set in " + source + " holds no private key."));
                } else {
                    jwk = JWK.parse(t);
                }
                if (!jwk.isPrivate()) {
                    throw new SmartException("The key in " + source + " is a public key: Custos needs the private key "
                            + "to sign its token requests (the server holds the public one).");
                }
                String kid = jwk.getKeyID() != null ? jwk.getKeyID() : keyId != null ? keyId
                        : jwk.computeThumbprint().toString();
                if (jwk instanceof RSAKey rsa) {
                    return rsa(rsa.toRSAPrivateKey(), kid, source);
                }
                if (jwk instanceof ECKey ec) {
                    if (!Curve.P_384.equals(ec.getCurve())) {
                        throw new SmartException("The EC key in " + source + " is on " + ec.getCurve() + "; SMART "
                                + "Backend Services asks for P-384 (ES384) or RSA (RS384).");
                    }
                    return new ClientKey(ec.toECPrivateKey(), JWSAlgorithm.ES384, kid);
                }
                throw new SmartException("The key in " + source + " is neither RSA nor EC.");
            }
            if (t.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                throw new SmartException("The key in " + source + " is encrypted with a password, which an unattended "
                        + "run cannot type: keep an unencrypted copy readable only by the account that runs Custos "
                        + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem).");
            }
            if (t.contains("-----BEGIN RSA PRIVATE KEY-----") || t.contains("-----BEGIN EC PRIVATE KEY-----")) {
                throw new SmartException("The key in " + source + " is in the older PKCS#1/SEC1 form: convert it to "
                        + "PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem), or give it as a JWK.");
            }
            if (!t.contains("-----BEGIN PRIVATE KEY-----")) {
                throw new SmartException(source + " is not a private key: give a PKCS#8 PEM file (-----BEGIN PRIVATE "
                        + "KEY-----) or a JWK with its private part.");
            }
            String body = t.substring(t.indexOf("-----BEGIN PRIVATE KEY-----") + 27);
            int end = body.indexOf("-----END PRIVATE KEY-----");
            if (end < 0) {
                throw new SmartException("The PEM key in " + source + " has no END line.");
            }
            byte[] der = Base64.getMimeDecoder().decode(body.substring(0, end));
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
            PrivateKey key;
            try {
                key = KeyFactory.getInstance("RSA").generatePrivate(spec);
            } catch (java.security.spec.InvalidKeySpecException notRsa) {
                key = KeyFactory.getInstance("EC").generatePrivate(spec);
            }
            if (key instanceof RSAPrivateKey rsa) {
                return rsa(rsa, keyId != null ? keyId : thumbprint(rsa), source);
            }
            if (key instanceof ECPrivateKey ec) {
                if (ec.getParams().getCurve().getField().getFieldSize() != 384) {
                    throw new SmartException("The EC key in " + source + " is not on P-384; SMART Backend Services "
                            + "asks for P-384 (ES384) or RSA (RS384).");
                }
                return new ClientKey(ec, JWSAlgorithm.ES384, keyId != null ? keyId : "custos-es384");
            }
            throw new SmartException("The key in " + source + " is neither RSA nor EC.");
        } catch (java.text.ParseException | JOSEException | GeneralSecurityException | IllegalArgumentException e) {
            throw new SmartException("Cannot read the key in " + source + " (" + e.getClass().getSimpleName() + ").");
        }
    }

    private static ClientKey rsa(RSAPrivateKey key, String kid, String source) {
        if (key.getModulus().bitLength() < 2048) {
            throw new SmartException("The RSA key in " + source + " has " + key.getModulus().bitLength()
                    + " bits; at least 2048 are needed.");
        }
        return new ClientKey(key, JWSAlgorithm.RS384, kid);
    }

    /** The RFC 7638 thumbprint of an RSA key's public half (from a CRT key), as key id. */
    private static String thumbprint(RSAPrivateKey key) throws GeneralSecurityException, JOSEException {
        if (key instanceof RSAPrivateCrtKey crt) {
            java.security.interfaces.RSAPublicKey pub = (java.security.interfaces.RSAPublicKey) KeyFactory
                    .getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            return new RSAKey.Builder(pub).build().computeThumbprint().toString();
        }
        return "custos-rs384";
    }
}
