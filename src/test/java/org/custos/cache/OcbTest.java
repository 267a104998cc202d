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
 * and lengths (whole 1 KiB blocks among them, partial blocks, more than 64 AES blocks; one instance reused over
 * thirty cases; in place as well), and a tag that fails on any changed bit of the ciphertext (a partial last block
 * too), the tag, the nonce or the associated data, leaving nothing opened in the output.
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
        Ocb ocb = null;
        byte[] k = null;
        for (int t = 0; t < 600; t++) {
            if (t % 30 == 0) { // one instance for thirty cases of every length, its buffers grown and reused
                k = new byte[t % 60 == 0 ? 32 : 16];
                r.nextBytes(k);
                ocb = new Ocb(new SecretKeySpec(k, "AES"));
            }
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

            // in place: sealed over its own plaintext, opened over its own ciphertext
            byte[] inPlace = Arrays.copyOf(p, len + Ocb.TAG);
            ocb.seal(n, 0, ad, 0, ad.length, inPlace, 0, len, inPlace, 0);
            assertThat(inPlace).isEqualTo(mine);
            assertThat(ocb.open(n, 0, ad, 0, ad.length, inPlace, 0, len + Ocb.TAG, inPlace, 0)).isTrue();
            assertThat(Arrays.copyOf(inPlace, len)).isEqualTo(p);
        }
    }

    /** A changed bit in a last partial block, and the cache's blocks sealed under a key of their own. */
    @Test
    void aPartialLastBlockIsCheckedTooAndTheBlocksHaveAKeyOfTheirOwn() throws Exception {
        byte[] k = new byte[32];
        new Random(8).nextBytes(k);
        SecretKeySpec key = new SecretKeySpec(k, "AES");
        Ocb ocb = new Ocb(key);
        byte[] n = new byte[Ocb.NONCE];
        byte[] p = new byte[16 * 5 + 7];
        new Random(9).nextBytes(p);
        byte[] sealed = seal(ocb, n, new byte[0], p);
        byte[] out = new byte[p.length];
        for (int at = 16 * 5; at < p.length; at++) {
            byte[] changed = sealed.clone();
            changed[at] ^= 0x40;
            assertThat(ocb.open(n, 0, new byte[0], 0, 0, changed, 0, changed.length, out, 0)).isFalse();
            assertThat(out).containsOnly(0);
        }
        assertThat(ocb.open(n, 0, new byte[0], 0, 0, sealed, 0, sealed.length, out, 0)).isTrue();
        assertThat(out).isEqualTo(p);

        javax.crypto.SecretKey blocks = Ocb.blockKey(key);
        assertThat(blocks.getEncoded()).hasSize(32).isNotEqualTo(k).isEqualTo(Ocb.blockKey(key).getEncoded());
        assertThat(seal(new Ocb(blocks), n, new byte[0], p)).isNotEqualTo(sealed);
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
            Arrays.fill(out, (byte) 1);
            assertThat(ocb.open(otherNonce, 0, ad, 0, 8, sealed, 0, sealed.length, out, 0)).isFalse();
            assertThat(out).containsOnly(0);
        }
        byte[] otherBlock = {0, 0, 0, 0, 0, 0, 0, 43};
        Arrays.fill(out, (byte) 1);
        assertThat(ocb.open(n, 0, otherBlock, 0, 8, sealed, 0, sealed.length, out, 0)).isFalse();
        assertThat(out).containsOnly(0);
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
