package org.custos.fhir;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.IdType;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versions of one resource in a server's {@code _history}, read with HAPI's client (see
 * {@link ResourceWriter#history}): newest first, at most a given number, with whether that is all of them and
 * whether the server's newest entry is a delete.
 *
 * @param versions the versions read (deletes are not versions with a text), newest first
 * @param complete whether every version the server lists was read (false: more were left, the oldest unread)
 * @param deletedAt the version the server deleted it at, when a delete is its newest entry; else null
 */
public record InstanceHistory(List<ResourceWriter.Stored> versions, boolean complete, String deletedAt) {
    private static final Pattern VERSION = Pattern.compile("/_history/([^/?#]+)");

    public InstanceHistory {
        versions = List.copyOf(versions);
    }

    /**
     * Reads the history: the first page with {@code _count}, then the server's next links while they stay on this
     * server ({@code http.link} refuses others: the credentials go nowhere else). A 404 on the first page is a
     * resource the server never had; on a later page it is a failure (the history read so far is not all of it).
     */
    static InstanceHistory read(IGenericClient client, FhirHttp http, String type, String id, int max, int pageSize,
                                Function<IBaseResource, ResourceWriter.Stored> stored) {
        List<ResourceWriter.Stored> out = new ArrayList<>();
        Bundle page;
        try {
            page = client.history().onInstance(new IdType(type, id)).returnBundle(Bundle.class)
                    .count(Math.max(1, Math.min(max, pageSize))).execute();
        } catch (ResourceNotFoundException never) {
            return new InstanceHistory(List.of(), true, null);
        }
        boolean more = false;
        long newestDelete = Long.MIN_VALUE;
        String newestDeleteId = null;
        long newestVersion = Long.MIN_VALUE;
        while (page != null) {
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                if (e.hasResource()) {
                    String got = e.getResource().getIdElement().getIdPart();
                    if (got != null && !got.equals(id)) {
                        // a history of this resource holding another one: nothing of it can be trusted to be its
                        throw new FhirServerException(FhirServerException.Kind.BAD_RESPONSE, 0, "The server's history "
                                + "of " + type + "/" + id + " holds " + type + "/" + got + ".");
                    }
                    if (out.size() < max) {
                        ResourceWriter.Stored s = stored.apply(e.getResource());
                        out.add(s);
                        newestVersion = Math.max(newestVersion, number(s.versionId()));
                    } else {
                        more = true;
                    }
                } else if (e.hasRequest() && e.getRequest().getMethod() == Bundle.HTTPVerb.DELETE) {
                    String v = versionIn(e.getRequest().getUrl(), e.getFullUrl());
                    if (v != null && number(v) > newestDelete) {
                        newestDelete = number(v);
                        newestDeleteId = v;
                    }
                }
            }
            Bundle.BundleLinkComponent next = page.getLink(Bundle.LINK_NEXT);
            if (next == null) {
                break;
            }
            if (out.size() >= max) {
                more = true;
                break;
            }
            http.link(next.getUrl());
            page = client.loadPage().next(page).execute();
        }
        out.sort(Comparator.comparingLong((ResourceWriter.Stored s) -> number(s.versionId())).reversed());
        return new InstanceHistory(out, !more, newestDeleteId != null && newestDelete > newestVersion
                ? newestDeleteId : null);
    }

    private static String versionIn(String... urls) {
        for (String u : urls) {
            if (u != null) {
                Matcher m = VERSION.matcher(u);
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    static long number(String v) {
        try {
            return v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
