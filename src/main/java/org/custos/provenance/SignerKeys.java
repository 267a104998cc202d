package org.custos.provenance;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The private key and certificate chain a user signs with: a PEM key (PKCS#8, PKCS#1 RSA or EC, encrypted or not,
 * read with BouncyCastle) and a PEM or DER certificate chain (leaf first), or a PKCS#12 store holding both. The key
 * must belong to the certificate (checked by signing a probe), so a signature never names a signer whose key did not
 * make it.
 */
public record SignerKeys(PrivateKey key, List<X509Certificate> chain) {
    public SignerKeys {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("A signer needs a certificate.");
        }
    }

    /**
     * Reads a key and its certificate ({@code certFile} may be null when {@code keyFile} is a PKCS#12 store that
     * holds the chain). {@code password}: of an encrypted PEM key or the PKCS#12 store; null or empty for none.
     *
     * @throws IllegalArgumentException a file cannot be read, holds no key or certificate, the password is wrong, or
     *                                  the key does not belong to the certificate; the message says which
     */
    public static SignerKeys load(Path keyFile, Path certFile, char[] password) {
        char[] pw = password == null ? new char[0] : password;
        byte[] keyBytes = read(keyFile, "key");
        PrivateKey key;
        List<X509Certificate> chain = new ArrayList<>();
        if (isPem(keyBytes)) {
            key = pemKey(keyFile, keyBytes, pw);
        } else {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(new ByteArrayInputStream(keyBytes), pw);
                String alias = Collections.list(ks.aliases()).stream().filter(a -> {
                    try {
                        return ks.isKeyEntry(a);
                    } catch (GeneralSecurityException e) {
                        return false;
                    }
                }).findFirst().orElseThrow(() -> new IllegalArgumentException("The PKCS#12 store " + keyFile
                        + " holds no private key."));
                key = (PrivateKey) ks.getKey(alias, pw);
                for (Certificate c : ks.getCertificateChain(alias)) {
                    chain.add((X509Certificate) c);
                }
            } catch (IOException | GeneralSecurityException | ClassCastException e) {
                throw new IllegalArgumentException("The key file " + keyFile + " is neither a PEM key nor a PKCS#12 "
                        + "store Custos can open with the password given (" + e.getMessage() + ").", e);
            }
        }
        if (certFile != null) {
            chain = certificates(certFile);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("No certificate was given for the key " + keyFile + ".");
        }
        SignerKeys keys = new SignerKeys(key, chain);
        keys.checkPair(keyFile);
        return keys;
    }

    /** Certificates of a PEM or DER file, in the file's order. */
    static List<X509Certificate> certificates(Path file) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(read(file, "certificate")))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("The certificate file " + file + " holds no certificate.");
            }
            return out;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("The certificate file " + file + " cannot be read as X.509 "
                    + "certificates (" + e.getMessage() + ").", e);
        }
    }

    /**
     * Whether the signer's certificate names {@code reference} (e.g. {@code Patient/7}) as the signature checks it
     * ({@link SignerCheck}): one of its subjectAltName URIs is the reference, or the reference under {@code base} (the
     * server's base URL).
     */
    public boolean names(String reference, String base) {
        java.util.Set<String> who = SignerCheck.whoNames(new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().set("whoReference", new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode().put("reference", reference)), base);
        return SignerCheck.sanUris(chain.get(0)).stream().anyMatch(who::contains);
    }

    /** Names the certificate only: a key never goes into a log or a message. */
    @Override
    public String toString() {
        return "SignerKeys[" + chain.get(0).getSubjectX500Principal().getName() + "]";
    }

    /** The JCA signature algorithm that fits the key (SHA-256 with RSA or ECDSA). */
    String jcaAlgorithm() {
        return key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    }

    private void checkPair(Path keyFile) {
        try {
            byte[] probe = "custos key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(jcaAlgorithm());
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(jcaAlgorithm());
            v.initVerify(chain.get(0).getPublicKey());
            v.update(probe);
            if (!v.verify(sig)) {
                throw new IllegalArgumentException("The key " + keyFile + " does not belong to the certificate of "
                        + chain.get(0).getSubjectX500Principal().getName() + ".");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The key " + keyFile + " cannot sign for the certificate of "
                    + chain.get(0).getSubjectX500Principal().getName() + " (" + e.getMessage() + ").", e);
        }
    }

    private static PrivateKey pemKey(Path file, byte[] bytes, char[] pw) {
        try (PEMParser p = new PEMParser(new StringReader(new String(bytes, StandardCharsets.US_ASCII)))) {
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            // BouncyCastle's provider for the ciphers of encrypted keys, used here only (not registered globally)
            java.security.Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PEMKeyPair kp) {
                    return conv.getKeyPair(kp).getPrivate();
                } else if (o instanceof PrivateKeyInfo pki) {
                    return conv.getPrivateKey(pki);
                } else if (o instanceof PEMEncryptedKeyPair ekp) {
                    return conv.getKeyPair(ekp.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(bc).build(pw)))
                            .getPrivate();
                } else if (o instanceof PKCS8EncryptedPrivateKeyInfo epki) {
                    return conv.getPrivateKey(epki.decryptPrivateKeyInfo(
                            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(bc).build(pw)));
                }
            }
            throw new IllegalArgumentException("The PEM file " + file + " holds no private key.");
        } catch (IOException | org.bouncycastle.operator.OperatorCreationException
                 | org.bouncycastle.pkcs.PKCSException e) {
            throw new IllegalArgumentException("The private key " + file + " cannot be read (" + e.getMessage()
                    + "; a wrong or missing password?).", e);
        }
    }

    private static boolean isPem(byte[] b) {
        return new String(b, 0, Math.min(b.length, 4096), StandardCharsets.US_ASCII).contains("-----BEGIN");
    }

    private static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("The " + what + " file " + file + " cannot be read: " + e.getMessage(),
                    e);
        }
    }
}
