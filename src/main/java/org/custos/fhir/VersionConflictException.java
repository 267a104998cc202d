package org.custos.fhir;

/**
 * A write was refused because the server holds another version than the one it was based on (HTTP 409 or 412 to an
 * If-Match, or a resource that exists already when a new one was meant). Nothing was written. It carries what the
 * server holds now, read right after the refusal, so that a screen can show "mine" against "theirs".
 */
public final class VersionConflictException extends RuntimeException {
    private final String type;
    private final String id;
    private final String expectedVersion;
    private final String currentVersion;
    private final transient String currentJson;
    private final int status;

    public VersionConflictException(String type, String id, String expectedVersion, String currentVersion,
                                    String currentJson, int status, String message) {
        super(message);
        this.type = type;
        this.id = id;
        this.expectedVersion = expectedVersion;
        this.currentVersion = currentVersion;
        this.currentJson = currentJson;
        this.status = status;
    }

    public String type() {
        return type;
    }

    public String id() {
        return id;
    }

    /** The version the write was based on (its If-Match), or null for a new resource. */
    public String expectedVersion() {
        return expectedVersion;
    }

    /** The server's current versionId, or null when it no longer has the resource (deleted) or could not say. */
    public String currentVersion() {
        return currentVersion;
    }

    /** The server's current JSON, or null when it no longer has the resource or it could not be read. */
    public String currentJson() {
        return currentJson;
    }

    /** The HTTP status of the refusal (409 or 412), or 0 when Custos found the conflict before sending. */
    public int status() {
        return status;
    }
}
