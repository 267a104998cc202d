package org.custos.provenance;

import java.io.IOException;
import java.nio.file.Path;

/** A test signer's files as a user has them: PEM key, PEM certificate chain, a PEM trust store, a foreign key. */
public record SignerFiles(Path key, Path cert, Path trust, Path otherKey) {
    /** Writes a new CA and a signer named {@code sanUri} into {@code dir}. */
    public static SignerFiles write(Path dir, String sanUri) throws IOException {
        TestPki pki = new TestPki("Files CA");
        TestPki.Signer s = pki.signer("Dr Files", sanUri);
        return new SignerFiles(TestPki.write(dir.resolve("signer-key.pem"), TestPki.pem(s.keys().getPrivate())),
                TestPki.write(dir.resolve("signer-chain.pem"), TestPki.pem(s.cert(), pki.ca)),
                TestPki.write(dir.resolve("trust.pem"), TestPki.pem(pki.ca)),
                TestPki.write(dir.resolve("other-key.pem"), TestPki.pem(TestPki.rsa().getPrivate())));
    }
}
