package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.CacheException;
import org.custos.cache.RuleStore;
import org.custos.rules.AlertEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.Callable;

/** {@code custos vip add|remove|list [REF]}: the patients whose every access is an alert (rule vip). */
@Command(name = "vip", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"The VIP list: every access to a patient on it raises an alert (rule vip). Adding a patient "
                + "raises the alerts of its past access in the cache too; removing one takes away its vip alerts that "
                + "nobody has reviewed.",
                "Exit status: 0 done (also when the patient was on the list already); 1 an error (also removing a patient "
                        + "who is not on the list)."})
final class VipCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "add|remove|list", description = "What to do")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REF", description = "The patient (Patient/id, or an "
            + "identifier value as the events give it)")
    String ref;

    @Option(names = "--note", paramLabel = "TEXT", description = "Why the patient is on the list (with add)")
    String note;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!action.equals("add") && !action.equals("remove") && !action.equals("list")) {
            throw new ParameterException(spec.commandLine(), "add, remove or list, not '" + action + "'");
        }
        if (!action.equals("list") && (ref == null || ref.isBlank())) {
            throw new ParameterException(spec.commandLine(), action + " needs the patient: custos vip " + action
                    + " Patient/123");
        }
        try (Cache cache = cacheOption.open()) {
            AlertEngine engine = new AlertEngine(cache, Clock.systemUTC(), ZoneId.systemDefault());
            if (action.equals("list")) {
                CacheOption.trail(cache).query("custos vip list", "vip list", java.util.List.of());
            } else {
                CacheOption.trail(cache).decision("custos vip " + action, "VIP list", java.util.List.of(ref.trim()));
            }
            switch (action) {
                case "add" -> {
                    // what arrived before is judged first, so that the new VIP's past access is all found
                    engine.catchUp(() -> false, n -> { });
                    if (!engine.addVip(ref, note)) {
                        out.println(ref.trim() + " is on the VIP list already");
                        out.flush();
                        return 0;
                    }
                    out.println("added " + ref.trim());
                }
                case "remove" -> {
                    if (!engine.removeVip(ref)) {
                        err.println("custos vip: " + ref.trim() + " is not on the VIP list (see custos vip list)");
                        err.flush();
                        return 1;
                    }
                    out.println("removed " + ref.trim());
                }
                default -> {
                    for (RuleStore.Vip v : cache.rules().vips()) {
                        out.println(v.reference() + "\t" + Instant.ofEpochMilli(v.added()) + (v.note() == null ? ""
                                : "\t" + v.note()));
                    }
                }
            }
            out.flush();
            return 0;
        } catch (IllegalArgumentException | CacheException e) {
            err.println("custos vip: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
