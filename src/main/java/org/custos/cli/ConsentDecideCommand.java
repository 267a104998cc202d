package org.custos.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.Cache;
import org.custos.cache.ConsentStore.ConsentRow;
import org.custos.cache.Origins;
import org.custos.cache.State;
import org.custos.consent.ConsentDecision;
import org.custos.consent.DecisionRequest;
import org.custos.consent.DecisionRequest.Actor;
import org.custos.consent.DecisionRequest.Code;
import org.custos.consent.ConsentDecision.Result;
import org.custos.fhir.Fhir;
import org.custos.fhir.FhirFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code custos consent decide}: what a cached Consent says about one request (see {@link ConsentDecision} for
 * the algorithm).
 */
@Command(name = "decide", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Decides one request against a cached Consent (its current version): permit or deny, and "
                + "the rule that decided (Consent.except[i], 0-based, or the base policy from policyRule), then the "
                + "reasoning.",
                "It prints undecidable when the request lacks a fact that could change the answer (e.g. no purpose "
                        + "while an exception states one) or the policyRule is not opt-in/opt-out, and not-applicable "
                        + "when the consent is not in force (status not active, date outside Consent.period) or the "
                        + "request is outside its scope (its top-level actor, action, purpose, …).",
                "Codes: CODE (any system) or SYSTEM|CODE. References: Type/id.",
                "Exit status: 0 decided (whatever the outcome), 1 error (unknown consent, bad argument)."})
final class ConsentDecideCommand implements Callable<Integer> {
    @Option(names = "--consent", required = true, paramLabel = "ID", description = "The Consent's id in the cache (or Consent/ID)")
    String consent;

    @Option(names = "--origin", paramLabel = "NAME|URL",
            description = "The origin it came from, when more than one holds the same id")
    String origin;

    @Option(names = "--actor", required = true, paramLabel = "REF",
            description = "Who acts (Type/id); repeat for several parties, e.g. the recipient and the custodian")
    List<String> actors;

    @Option(names = "--role", paramLabel = "CODE",
            description = "The role of the --actor at the same position (e.g. PRCP recipient, CST custodian)")
    List<String> roles = new ArrayList<>();

    @Option(names = "--action", required = true, paramLabel = "CODE",
            description = "What is done: access, collect, use, disclose, correct")
    String action;

    @Option(names = "--purpose", paramLabel = "CODE", description = "Purpose of use, e.g. TREAT, ETREAT, HMARKT")
    String purpose;

    @Option(names = "--class", paramLabel = "CODE", description = "Class of data, e.g. a resource type: Observation")
    String dataClass;

    @Option(names = "--code", paramLabel = "CODE", description = "Code of the data, e.g. http://loinc.org|18842-5")
    String code;

    @Option(names = "--label", paramLabel = "CODE",
            description = "Security label the data carries (repeat for several; none given: not known)")
    List<String> labels;

    @Option(names = "--data", paramLabel = "REF", description = "The data concerned (Type/id; repeatable)")
    List<String> data;

    @Option(names = "--date", paramLabel = "DATE",
            description = "When the action happens: YYYY-MM-DD (UTC day start) or a dateTime (default: now)")
    String date;

    @Option(names = "--data-date", paramLabel = "DATE", description = "The data's own date (for dataPeriod)")
    String dataDate;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DecisionRequest request = request();
        if (consent.startsWith("Consent/")) {
            consent = consent.substring("Consent/".length());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String json;
        ConsentRow row;
        try (Cache cache = cacheOption.open()) {
            List<ConsentRow> rows = cache.consents().withId(consent);
            if (origin != null) {
                String name = cache.origins().find(origin).map(Origins.Origin::name).orElseThrow(() ->
                        new ParameterException(spec.commandLine(), "no origin '" + origin + "' in this cache"));
                rows = rows.stream().filter(r -> r.origin().equals(name)).toList();
                if (rows.isEmpty()) {
                    err.println("custos consent decide: Consent/" + consent + " is not in the cache from " + origin);
                    return 1;
                }
            } else if (rows.isEmpty()) {
                err.println("custos consent decide: Consent/" + consent + " is not in the cache");
                return 1;
            } else if (rows.size() > 1) {
                err.println("custos consent decide: Consent/" + consent + " is cached from " + rows.size()
                        + " origins (" + String.join(", ", rows.stream().map(ConsentRow::origin).toList())
                        + "): choose one with --origin");
                return 1;
            }
            row = rows.get(0);
            json = cache.consents().raw(row.pk()).orElse(null);
        }
        if (json == null) {
            err.println("custos consent decide: Consent/" + consent + " has no stored text");
            return 1;
        }
        ConsentDecision decision;
        try {
            String text = json.stripLeading().startsWith("<") ? new Fhir().readOne(json).json() : json;
            decision = ConsentDecision.compile(new ObjectMapper().readTree(text));
        } catch (JsonProcessingException | FhirFormatException | IllegalArgumentException e) {
            err.println("custos consent decide: Consent/" + consent + " cannot be read: " + e.getMessage());
            return 1;
        }
        Result r = decision.decide(request);
        out.println(r.outcome().word());
        out.println("rule: " + r.rule());
        out.println("consent: Consent/" + row.id() + (row.versionId() == null ? "" : " version " + row.versionId())
                + " from " + row.origin());
        for (String why : r.reasons()) {
            out.println("  " + why);
        }
        if ((row.state() & State.DELETED) != 0) {
            err.println("custos consent decide: note: Consent/" + consent + " was deleted at its origin");
        }
        return 0;
    }

    private DecisionRequest request() {
        if (roles.size() > actors.size()) {
            throw new ParameterException(spec.commandLine(), "more --role than --actor: each --role belongs to "
                    + "the --actor at its position");
        }
        List<Actor> parties = new ArrayList<>();
        for (int i = 0; i < actors.size(); i++) {
            String ref = actors.get(i).trim();
            if (!ref.matches("([a-z]+://.+/)?[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}(/_history/.+)?")
                    && !ref.startsWith("urn:")) {
                throw new ParameterException(spec.commandLine(), "--actor: expected a reference Type/id, got '"
                        + ref + "'");
            }
            parties.add(new Actor(ref, i < roles.size() ? Code.parse(roles.get(i)) : null));
        }
        return new DecisionRequest(date == null ? Instant.now() : instant("--date", date), parties, code("--action", action),
                code("--purpose", purpose), code("--class", dataClass), code("--code", code),
                labels == null ? null : labels.stream().map(l -> code("--label", l)).toList(), data,
                dataDate == null ? null : instant("--data-date", dataDate));
    }

    private Code code(String option, String value) {
        if (value == null) {
            return null;
        }
        Code c = Code.parse(value);
        if (c == null || c.code() == null || c.code().isEmpty()) {
            throw new ParameterException(spec.commandLine(), option + ": expected CODE or SYSTEM|CODE, got '"
                    + value + "'");
        }
        return c;
    }

    private Instant instant(String option, String value) {
        try {
            String v = value.trim();
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC)
                    : OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), option + ": expected YYYY-MM-DD or a dateTime with "
                    + "its offset (2016-06-23T17:10:00+10:00), got '" + value + "'");
        }
    }
}
