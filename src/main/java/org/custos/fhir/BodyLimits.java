package org.custos.fhir;

import java.util.Locale;

/**
 * How much Custos reads of one answer: the body as received ({@code maxBody}) and, when it comes gzipped, after
 * decompression ({@code maxExpanded}), in bytes. A server (or something pretending to be one) cannot fill the
 * memory with one huge or highly compressed answer. The defaults are far above any page of 1,000 resources;
 * {@code -Dcustos.http.maxBodyMb=N} and {@code -Dcustos.http.maxExpandedMb=N} raise or lower them.
 */
public record BodyLimits(long maxBody, long maxExpanded) {
    public static final String BODY_PROPERTY = "custos.http.maxBodyMb";
    public static final String EXPANDED_PROPERTY = "custos.http.maxExpandedMb";
    public static final long DEFAULT_BODY_MB = 256;
    public static final long DEFAULT_EXPANDED_MB = 1024;
    private static final long MB = 1024L * 1024L;

    public BodyLimits {
        if (maxBody < 1 || maxExpanded < 1) {
            throw new IllegalArgumentException("Body limits must be at least one byte.");
        }
    }

    public static BodyLimits defaults() {
        return new BodyLimits(DEFAULT_BODY_MB * MB, DEFAULT_EXPANDED_MB * MB);
    }

    /** The defaults, or what the system properties say (in MB; a value that is not a positive number is ignored). */
    public static BodyLimits fromSystemProperties() {
        return new BodyLimits(mb(BODY_PROPERTY, DEFAULT_BODY_MB), mb(EXPANDED_PROPERTY, DEFAULT_EXPANDED_MB));
    }

    private static long mb(String property, long fallback) {
        String v = System.getProperty(property);
        if (v != null) {
            try {
                long n = Long.parseLong(v.trim());
                if (n > 0 && n < Long.MAX_VALUE / MB) {
                    return n * MB;
                }
            } catch (NumberFormatException e) {
                // ignored: the default applies
            }
        }
        return fallback * MB;
    }

    /** "256 MB", or bytes when less than one MB. */
    static String describe(long bytes) {
        return bytes >= MB && bytes % MB == 0 ? bytes / MB + " MB"
                : bytes >= MB ? String.format(Locale.ROOT, "%.1f MB", bytes / (double) MB) : bytes + " bytes";
    }
}
