package org.custos.cache;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.OCBBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Ocb} is OCB3 as RFC 7253 defines it: the RFC's own check over 384 seals of every length up to 127 bytes
 * (AES-256, 128-bit tags), byte-for-byte agreement with Bouncy Castle's OCB on random keys, nonces, associated data
 * and lengths (whole 1 KiB blocks among them, partial blocks, more than 64 AES blocks), and a tag that fails on any
 * changed bit of the ciphertext, the tag, the nonce or the associated data, leaving no plaintext behind.
 */
class OcbTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 7253, appendix A: the iterated test, for TAGLEN 128 and KEYLEN 256. */
    @Test
    void rfc7253sIteratedCheckForAes256() throws Exception {
        byte[] k = new byte[32];
        k[31] = (byte) 128; // K = zeros(KEYLEN-8) || num2str(TAGLEN,8)
        Ocb ocb = new Ocb(new SecretKeySpec(k, "AES"));
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        for (int i = 0; i < 128; i++) {
            byte[] s = new byte[i];
            c.write(seal(ocb, nonce(3 * i + 1), s, s));
            c.write(seal(ocb, nonce(3 * i + 2), new byte[0], s));
            c.write(seal(ocb, nonce(3 * i + 3), s, new byte[0]));
        }
        byte[] all = c.toByteArray();
        assertThat(HEX.formatHex(seal(ocb, nonce(385), all, new byte[0])))
                .isEqualTo("d90eb8e9c977c88b79dd793d7ffa161c");
    }

    /** RFC 7253, appendix A: the first sample results (AES-128, nonce BBAA99887766554433221100 …). */
    @Test
    void rfc7253sSampleResults() throws Exception {
        Ocb ocb = new Ocb(new SecretKeySpec(HEX.parseHex("000102030405060708090A0B0C0D0E0F"), "AES"));
        byte[] empty = new byte[0];
        assertThat(HEX.formatHex(seal(ocb, HEX.parseHex("BBAA99887766554433221100"), empty, empty)))
                .isEqualTo("785407bfffc8ad9edcc5520ac9111ee6");
        byte[] eight = HEX.parseHex("0001020304050607");
        assertThat(HEX.formatHex(seal(ocb, HEX.parseHex("BBAA99887766554433221101"), eight, eight)))
                .isEqualTo("6820b3657b6f615a5725bda0d3b4eb3a257c9af1f8f03009");
    }

    @Test
    void agreesWithBouncyCastlesOcbAndOpensWhatItSealed() throws Exception {
        Random r = new Random(20261204);
        for (int t = 0; t < 600; t++) {
            byte[] k = new byte[t % 2 == 0 ? 32 : 16];
            r.nextBytes(k);
            byte[] n = new byte[Ocb.NONCE];
            r.nextBytes(n);
            byte[] ad = new byte[t % 7 == 0 ? 8 : r.nextInt(50)];
            r.nextBytes(ad);
            int len = switch (t % 4) {
                case 0 -> 1024;
                case 1 -> r.nextInt(40);
                case 2 -> 1024 + 16 * r.nextInt(70) + r.nextInt(16);
                default -> r.nextInt(1100);
            };
            byte[] p = new byte[len];
            r.nextBytes(p);
            Ocb ocb = new Ocb(new SecretKeySpec(k, "AES"));
            // at offsets inside larger arrays, as the channel calls it
            byte[] sealed = new byte[len + Ocb.TAG + 9];
            byte[] padded = new byte[len + 5];
            System.arraycopy(p, 0, padded, 5, len);
            ocb.seal(n, 0, ad, 0, ad.length, padded, 5, len, sealed, 9);
            byte[] mine = Arrays.copyOfRange(sealed, 9, sealed.length);
            assertThat(mine).as("case %d, %d bytes", t, len).isEqualTo(bouncyCastle(k, n, ad, p));
            byte[] back = new byte[len + 3];
            assertThat(ocb.open(n, 0, ad, 0, ad.length, sealed, 9, len + Ocb.TAG, back, 3)).isTrue();
            assertThat(Arrays.copyOfRange(back, 3, back.length)).isEqualTo(p);
        }
    }

    @Test
    void anyChangedBitFailsTheTagAndLeavesNoPlaintext() throws Exception {
        Random r = new Random(5);
        byte[] k = new byte[32];
        r.nextBytes(k);
        Ocb ocb = new Ocb(new SecretKeySpec(k, "AES"));
        byte[] n = new byte[Ocb.NONCE];
        r.nextBytes(n);
        byte[] ad = {0, 0, 0, 0, 0, 0, 0, 42};
        byte[] p = new byte[1024];
        r.nextBytes(p);
        byte[] sealed = new byte[1024 + Ocb.TAG];
        ocb.seal(n, 0, ad, 0, 8, p, 0, 1024, sealed, 0);
        byte[] out = new byte[1024];
        for (int bit = 0; bit < sealed.length * 8; bit += 7) { // ciphertext and tag
            byte[] changed = sealed.clone();
            changed[bit / 8] ^= (byte) (1 << (bit % 8));
            Arrays.fill(out, (byte) 1);
            assertThat(ocb.open(n, 0, ad, 0, 8, changed, 0, changed.length, out, 0)).as("bit %d", bit).isFalse();
            assertThat(out).as("nothing opened is left").containsOnly(0);
        }
        for (int bit = 0; bit < Ocb.NONCE * 8; bit++) {
            byte[] otherNonce = n.clone();
            otherNonce[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(ocb.open(otherNonce, 0, ad, 0, 8, sealed, 0, sealed.length, out, 0)).isFalse();
        }
        byte[] otherBlock = {0, 0, 0, 0, 0, 0, 0, 43};
        assertThat(ocb.open(n, 0, otherBlock, 0, 8, sealed, 0, sealed.length, out, 0)).isFalse();
        assertThat(ocb.open(n, 0, ad, 0, 8, sealed, 0, sealed.length, out, 0)).isTrue();
        assertThat(out).isEqualTo(p);
    }

    private static byte[] nonce(int i) {
        byte[] n = new byte[Ocb.NONCE];
        n[10] = (byte) (i >>> 8);
        n[11] = (byte) i;
        return n;
    }

    private static byte[] seal(Ocb ocb, byte[] nonce, byte[] ad, byte[] p) throws Exception {
        byte[] out = new byte[p.length + Ocb.TAG];
        ocb.seal(nonce, 0, ad, 0, ad.length, p, 0, p.length, out, 0);
        return out;
    }

    private static byte[] bouncyCastle(byte[] k, byte[] n, byte[] ad, byte[] p) throws Exception {
        OCBBlockCipher bc = new OCBBlockCipher(AESEngine.newInstance(), AESEngine.newInstance());
        bc.init(true, new AEADParameters(new KeyParameter(k), 128, n, ad));
        byte[] out = new byte[bc.getOutputSize(p.length)];
        int n1 = bc.processBytes(p, 0, p.length, out, 0);
        n1 += bc.doFinal(out, n1);
        return Arrays.copyOf(out, n1);
    }
}
