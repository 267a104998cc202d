package org.custos.fhir;

/**
 * A profile's additions to TLS for internal servers: a CA certificate file (PEM or DER, one or more certificates)
 * trusted besides Java's own, and a client certificate with its key (PKCS#12) for mutual TLS, with its password
 * (memory only; kept with the profile's secrets). Certificate verification itself is always on.
 */
public record TlsSettings(String caFile, String clientCertFile, String clientCertPassword) {
    public static final TlsSettings NONE = new TlsSettings(null, null, null);

    public TlsSettings {
        caFile = blankToNull(caFile);
        clientCertFile = blankToNull(clientCertFile);
        clientCertPassword = clientCertPassword == null || clientCertPassword.isEmpty() ? null : clientCertPassword;
    }

    /** Whether anything is added to Java's defaults. */
    public boolean any() {
        return caFile != null || clientCertFile != null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        return "TlsSettings[ca " + caFile + ", client certificate " + clientCertFile + "]"; // never the password
    }
}
