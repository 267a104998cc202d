package org.custos.provenance;

import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keys and certificates as users have them: PEM (PKCS#8, PKCS#1, encrypted) and PKCS#12; trust stores likewise. */
class SignerKeysTest {
    @TempDir
    Path dir;
    private final TestPki pki = new TestPki("Keys CA");
    private final TestPki.Signer s = pki.signer("Dr Key", "https://x.org/fhir/Practitioner/1");

    @Test
    void pemKeysInEveryCommonShapeLoadWithTheirChain() throws Exception {
        Path cert = TestPki.write(dir.resolve("chain.pem"), TestPki.pem(s.cert(), pki.ca));
        Path pkcs8 = TestPki.write(dir.resolve("k8.pem"), TestPki.pem(s.keys().getPrivate()));
        Path pkcs1 = TestPki.write(dir.resolve("k1.pem"), TestPki.pem(s.keys()));
        assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");
        for (Path k : new Path[]{pkcs8, pkcs1}) {
            SignerKeys keys = SignerKeys.load(k, cert, null);
            assertThat(keys.key().getEncoded()).isEqualTo(s.keys().getPrivate().getEncoded());
            assertThat(keys.chain()).containsExactly(s.cert(), pki.ca);
            assertThat(keys.toString()).contains("CN=Dr Key").doesNotContain("modulus", "exponent");
        }
        Path enc = TestPki.write(dir.resolve("enc.pem"), TestPki.pem(new JcaPKCS8Generator(s.keys().getPrivate(),
                new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                        .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).setPassword("pw".toCharArray())
                        .build())));
        assertThat(SignerKeys.load(enc, cert, "pw".toCharArray()).key().getEncoded())
                .isEqualTo(s.keys().getPrivate().getEncoded());
        assertThatThrownBy(() -> SignerKeys.load(enc, cert, "wrong".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
    }

    @Test
    void aPkcs12StoreHoldsKeyAndChain() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("me", s.keys().getPrivate(), "pw".toCharArray(), new Certificate[]{s.cert(), pki.ca});
        Path p12 = dir.resolve("me.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            ks.store(out, "pw".toCharArray());
        }
        SignerKeys keys = SignerKeys.load(p12, null, "pw".toCharArray());
        assertThat(keys.chain()).containsExactly(s.cert(), pki.ca);
        assertThatThrownBy(() -> SignerKeys.load(p12, null, "no".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(p12.toString());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Path cert = TestPki.write(dir.resolve("c.pem"), TestPki.pem(s.cert()));
        Path other = TestPki.write(dir.resolve("o.pem"), TestPki.pem(TestPki.rsa().getPrivate()));
        assertThatThrownBy(() -> SignerKeys.load(other, cert, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the certificate of CN=Dr Key");
        Path garbage = TestPki.write(dir.resolve("g.pem"), "-----BEGIN NOTHING-----\nAAAA\n-----END NOTHING-----\n");
        assertThatThrownBy(() -> SignerKeys.load(garbage, cert, null)).hasMessageContaining("cannot be read");
    }

    @Test
    void trustStoresArePemOrPkcs12() throws Exception {
        TestPki other = new TestPki("Other CA");
        Path pem = TestPki.write(dir.resolve("trust.pem"), TestPki.pem(pki.ca, other.ca));
        assertThat(TrustStore.load(pem, null).certificates()).containsExactly(pki.ca, other.ca);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", pki.ca);
        Path p12 = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            ks.store(out, "changeit".toCharArray());
        }
        assertThat(TrustStore.load(p12, "changeit".toCharArray()).certificates()).containsExactly(pki.ca);
        Path junk = TestPki.write(dir.resolve("junk.bin"), "not a store");
        assertThatThrownBy(() -> TrustStore.load(junk, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(junk.toString());
        assertThatThrownBy(() -> TrustStore.load(dir.resolve("absent.pem"), null))
                .hasMessageContaining("cannot be read");
    }
}
