package org.custos.arch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.PackageMatchers;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import javafx.fxml.FXML;
import org.custos.arch.fixture.LeakyFhirClient;
import org.custos.arch.fixture.LeakyHttp;
import org.custos.arch.fixture.MutableStatics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The house rules of DEVELOPERS.md, checked on the compiled main classes. */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.custos");
        assertThat(classes.size()).isGreaterThan(40);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("org.custos.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyTheCacheSpeaksSql() {
        noClasses().that().resideOutsideOfPackage("org.custos.cache..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.h2..", "org.flywaydb..")
                .check(classes);
    }

    @Test
    void onlyTheFhirPackageTalksToFhirServers() {
        noClasses().that().resideOutsideOfPackage("org.custos.fhir..")
                .should().dependOnClassesThat().resideInAnyPackage("ca.uhn.fhir.rest.client..", "ca.uhn.fhir.rest.api..")
                .check(classes);
    }

    @Test
    void hapiModelTypesDoNotLeakIntoScreens() {
        noClasses().that().resideInAnyPackage("org.custos.audit..", "org.custos.consent..",
                        "org.custos.provenance..", "org.custos.servers..", "org.custos.ui..", "org.custos.app..",
                        "org.custos.patient..", "org.custos.access..")
                .should().dependOnClassesThat().resideInAnyPackage("org.hl7.fhir..", "ca.uhn.fhir..")
                .check(classes);
    }

    @Test
    void servicesAndTheCommandLineDoNotNeedJavaFx() {
        noClasses().that().resideInAnyPackage("org.custos.cache..", "org.custos.sync..", "org.custos.fhir..",
                        "org.custos.cli..", "org.custos.demo..", "org.custos.access..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "atlantafx..", "org.controlsfx..")
                .check(classes);
    }

    /**
     * Patient mode reaches data only through the ports the composition root binds to one patient: nothing in it can
     * query the cache, sync or a server for another patient.
     */
    @Test
    void patientModeReachesNoDataButThroughItsPorts() {
        classes().that().resideInAPackage("org.custos.patient..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.custos.patient..", "org.custos.access..",
                        "org.custos.ui..", "org.custos.reports..", "java..", "javafx..", "org.apache.pdfbox..")
                .check(classes);
    }

    @Test
    void viewsTalkOnlyToTheirViewModels() {
        classes().that().haveSimpleNameEndingWith("View").and().resideInAPackage("org.custos..")
                .should().onlyDependOnClassesThat().resideOutsideOfPackages("org.custos.sync..", "org.custos.fhir..")
                .check(classes);
        noClasses().that().haveSimpleNameEndingWith("View")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.custos.cache.Cache")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.custos.cache.AuditStore")
                .check(classes);
    }

    @Test
    void viewModelsRunWorkThroughTheTaskRunner() {
        // no threads of their own and no Platform.runLater: work goes through org.custos.ui.TaskRunner,
        // which a test swaps for a same-thread runner
        noClasses().that().haveSimpleNameEndingWith("ViewModel")
                .should().dependOnClassesThat().haveFullyQualifiedName("javafx.application.Platform")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
                .orShould().dependOnClassesThat().resideInAPackage("java.util.concurrent..")
                .check(classes);
    }

    @Test
    void viewViewModelAndFxmlShareOneName() {
        List<JavaClass> views = classes.stream()
                .filter(c -> c.getSimpleName().endsWith("View"))
                .filter(c -> c.getFields().stream().anyMatch(f -> f.isAnnotatedWith(FXML.class)))
                .toList();
        assertThat(views).extracting(JavaClass::getSimpleName).contains("AuditView", "MainView", "QuarantineView");
        for (JavaClass v : views) {
            String fxml = "/" + v.getPackageName().replace('.', '/') + "/" + v.getSimpleName() + ".fxml";
            assertThat(ArchitectureTest.class.getResource(fxml)).as(fxml).isNotNull();
            assertThat(classes.contain(v.getName() + "Model")).as(v.getName() + "Model").isTrue();
        }
    }

    @Test
    void noStaticSingletons() {
        noClasses().that().resideInAPackage("org.custos..")
                .should().haveSimpleName("Singleton")
                .check(classes);
        classes.stream().flatMap(c -> c.getMethods().stream())
                .filter(m -> m.getName().equals("getInstance") && m.getModifiers().contains(
                        com.tngtech.archunit.core.domain.JavaModifier.STATIC))
                .forEach(m -> {
                    throw new AssertionError("static singleton accessor: " + m.getFullName());
                });
    }

    // ---- issue 9: rules that hold what they say; each one is shown to fail on a test-only class ----

    /**
     * Packages of HTTP clients: the JDK's, HAPI's generic client, and any other library's (packages named like
     * {@code ..http..} or {@code ..client..}, plus the ones on the class path named otherwise).
     * {@link #everyHttpClientPackageOnTheClassPathIsCovered()} checks that this list misses none.
     */
    static final List<String> HTTP_CLIENT_PACKAGES = List.of("java.net.http..", "..http..", "..client..",
            "..gclient..", "..txClient..", "co.elastic.clients..", "org.apache.hc..", "okhttp3..", "retrofit2..", "feign..",
            "software.amazon.awssdk.http..");

    static ArchRule onlyTheFhirPackageUsesHttpClients() {
        return noClasses().that().resideOutsideOfPackage("org.custos.fhir..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage(
                        HTTP_CLIENT_PACKAGES.toArray(String[]::new))
                        .or(JavaClass.Predicates.assignableTo(java.net.URLConnection.class)))
                .orShould().callMethod(java.net.URL.class, "openConnection")
                .orShould().callMethod(java.net.URL.class, "openConnection", java.net.Proxy.class)
                .orShould().callMethod(java.net.URL.class, "openStream")
                .because("org.custos.fhir is the only code that talks to a FHIR server (credentials, TLS, limits)");
    }

    @Test
    void onlyTheFhirPackageUsesAnHttpClient() {
        onlyTheFhirPackageUsesHttpClients().check(classes);
    }

    @Test
    void theHttpClientRuleFailsOnCodeThatTalksHttpElsewhere() {
        EvaluationResult r = onlyTheFhirPackageUsesHttpClients().evaluate(
                new ClassFileImporter().importClasses(LeakyHttp.class, LeakyFhirClient.class));
        assertThat(r.hasViolation()).isTrue();
        String report = String.join("\n", r.getFailureReport().getDetails());
        assertThat(report).contains("java.net.http.HttpClient").contains("URL.openConnection()")
                .contains("ca.uhn.fhir.rest.client.api.IGenericClient");
    }

    @Test
    void everyHttpClientPackageOnTheClassPathIsCovered() throws IOException {
        PackageMatchers rule = PackageMatchers.of(HTTP_CLIENT_PACKAGES);
        Set<String> seen = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!entry.endsWith(".jar") || !Files.isRegularFile(p)) {
                continue;
            }
            try (ZipFile zip = new ZipFile(p.toFile())) {
                zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class") && n.contains("/"))
                        .map(n -> n.substring(0, n.lastIndexOf('/')).replace('/', '.'))
                        .filter(n -> !n.startsWith("META-INF"))
                        .forEach(seen::add);
            }
        }
        assertThat(seen).as("the class path was read").contains("ca.uhn.fhir.rest.client.api");
        List<String> missed = seen.stream()
                .filter(n -> n.toLowerCase(Locale.ROOT).matches(".*(http|client).*"))
                .filter(n -> !rule.test(n))
                .toList();
        assertThat(missed).as("packages of HTTP clients that the rule would let through").isEmpty();
    }

    /** Types whose instances cannot change once made; a static final field of one of these is a constant. */
    private static final Set<String> IMMUTABLE_TYPES = Set.of("java.lang.String", "java.lang.Integer",
            "java.lang.Long", "java.lang.Short", "java.lang.Byte", "java.lang.Character", "java.lang.Boolean",
            "java.lang.Double", "java.lang.Float", "java.lang.Class", "java.math.BigDecimal", "java.math.BigInteger",
            "java.util.regex.Pattern", "java.time.Duration", "java.time.Instant", "java.time.LocalDate",
            "java.time.LocalDateTime", "java.time.ZoneOffset", "java.time.ZoneId", "java.time.Period",
            "java.time.format.DateTimeFormatter", "java.net.URI", "java.util.Optional", "java.util.UUID");

    /**
     * Static state that can change: a static field that is not final, or a final one that holds something
     * changeable (an array, a collection or map that can be modified or holds such things, an atomic, a
     * StringBuilder, any object with a field that is not final or holds such a thing). Loggers, strings,
     * numbers, enums, unmodifiable collections of constants, records of constants and stateless lambdas are
     * constants. The value is looked at, not only the declared type: {@code List.of(...)} is a constant,
     * {@code new ArrayList<>()} is not.
     */
    static ArchRule noMutableStaticState(Set<String> known) {
        return fields().that().areStatic()
                .and(DescribedPredicate.describe("are not made by the compiler", (JavaField f) ->
                        !f.getModifiers().contains(JavaModifier.SYNTHETIC) && !f.getName().contains("$")))
                .and(DescribedPredicate.describe("are not enum constants", (JavaField f) ->
                        !(f.getOwner().isEnum() && f.getRawType().equals(f.getOwner()))))
                .should(new ArchCondition<JavaField>("hold no state that can change") {
                    @Override
                    public void check(JavaField f, ConditionEvents events) {
                        String problem = known.contains(f.getFullName()) ? null : mutableStatic(f);
                        if (problem != null) {
                            events.add(SimpleConditionEvent.violated(f, f.getFullName() + ": " + problem));
                        }
                    }
                });
    }

    private static String mutableStatic(JavaField f) {
        if (!f.getModifiers().contains(JavaModifier.FINAL)) {
            return "a static field that is not final";
        }
        if (f.getRawType().isPrimitive() || IMMUTABLE_TYPES.contains(f.getRawType().getName())
                || f.getRawType().isEnum() || f.getRawType().isAssignableTo("org.slf4j.Logger")) {
            return null;
        }
        if (f.getRawType().isArray()) {
            return "an array (its elements can be changed)";
        }
        Object value;
        try {
            Field field = f.reflect();
            field.setAccessible(true);
            value = field.get(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return "cannot be read to check it (" + e + ")";
        }
        return mutable(value, new IdentityHashMap<>(), 0);
    }

    /** Why {@code v} can change, or null when it cannot. */
    private static String mutable(Object v, Map<Object, Boolean> seen, int depth) {
        if (v == null || seen.put(v, Boolean.TRUE) != null) {
            return null;
        }
        Class<?> c = v.getClass();
        if (c.isEnum() || c.getSuperclass() != null && c.getSuperclass().isEnum()
                || IMMUTABLE_TYPES.contains(c.getName()) || v instanceof org.slf4j.Logger
                || v instanceof java.time.ZoneId || v instanceof java.time.format.DateTimeFormatter
                || v instanceof java.lang.invoke.VarHandle) { // "VarHandles are immutable and have no visible state"
            return null;
        }
        if (depth > 8) {
            return "nested too deep to check";
        }
        if (c.isArray()) {
            return "an array (its elements can be changed)";
        }
        if (v instanceof java.util.Collection<?> || v instanceof Map<?, ?>) {
            if (!isUnmodifiable(c)) {
                return "a modifiable " + c.getName();
            }
            Iterable<?> items = v instanceof Map<?, ?> m ? m.entrySet().stream()
                    .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toList()
                    : (java.util.Collection<?>) v;
            for (Object item : items) {
                String why = mutable(item, seen, depth + 1);
                if (why != null) {
                    return "an unmodifiable collection holding " + why;
                }
            }
            return null;
        }
        if (c.getName().startsWith("java.") && !c.isRecord() && !c.isSynthetic() && !c.getName().contains("$$Lambda")) {
            return "a " + c.getName() + " (not known to be immutable)";
        }
        // our own objects, records and lambdas: every field final and holding a constant
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field field : k.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                if (!Modifier.isFinal(field.getModifiers())) {
                    return "a " + c.getName() + " whose field " + field.getName() + " can change";
                }
                if (field.getType().isPrimitive()) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    String why = mutable(field.get(v), seen, depth + 1);
                    if (why != null) {
                        return "a " + c.getName() + " whose field " + field.getName() + " holds " + why;
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return "a " + c.getName() + " whose field " + field.getName() + " cannot be checked";
                }
            }
        }
        return null;
    }

    private static boolean isUnmodifiable(Class<?> c) {
        String n = c.getName();
        return n.startsWith("java.util.ImmutableCollections$") || n.startsWith("java.util.Collections$Unmodifiable")
                || n.startsWith("java.util.Collections$Empty") || n.startsWith("java.util.Collections$Singleton");
    }

    /**
     * Static fields this branch may not change (other engineers own those files): each one named with where
     * it is, so the list cannot silently grow or go stale (see {@link #theKnownMutableStaticsStillExist}).
     */
    private static final Set<String> KNOWN_MUTABLE_STATICS = Set.of(
            // an ObjectMapper is configurable: give each user its own, or a shared JsonMapper built once
            // (kept static: the import's hot path writes every resource through it)
            "org.custos.cache.IncomingResource.MAPPER",
            // the LZ4 factory caches compressors in arrays (thread-safe, but state all the same)
            "org.custos.cache.RawBlocks.LZ4");

    @Test
    void thereIsNoMutableStaticState() {
        noMutableStaticState(KNOWN_MUTABLE_STATICS).check(classes);
    }

    @Test
    void theMutableStaticRuleFailsOnMutableStaticsAndLetsConstantsPass() {
        EvaluationResult r = noMutableStaticState(Set.of()).evaluate(new ClassFileImporter().importClasses(
                MutableStatics.class));
        List<String> reported = r.getFailureReport().getDetails().stream()
                .map(d -> d.substring(0, d.indexOf(':')))
                .map(d -> d.substring(d.lastIndexOf('.') + 1))
                .toList();
        assertThat(reported).containsExactlyInAnyOrder("counter", "BAD_LIST", "BAD_ARRAY", "BAD_ATOMIC",
                "BAD_BUILDER", "BAD_NESTED", "BAD_HOLDER");
    }

    @Test
    void theKnownMutableStaticsStillExist() {
        for (String f : KNOWN_MUTABLE_STATICS) {
            String owner = f.substring(0, f.lastIndexOf('.'));
            String name = f.substring(f.lastIndexOf('.') + 1);
            assertThat(classes.get(owner).tryGetField(name)).as(f + " (remove it from the list)").isPresent();
        }
    }

    /**
     * The feature packages that exist: direct packages of org.custos with a view model, except app (the
     * composition root, which wires features together) and ui (what features share).
     */
    static List<String> featurePackages(JavaClasses all, String root) {
        return all.stream().filter(c -> c.getSimpleName().endsWith("ViewModel"))
                .map(JavaClass::getPackageName)
                .filter(p -> p.startsWith(root + "."))
                .map(p -> p.substring(root.length() + 1).split("\\.")[0])
                .filter(p -> !p.equals("app") && !p.equals("ui"))
                .distinct().sorted().toList();
    }

    static ArchRule featuresAreIndependent(List<String> features, String root) {
        return slices().matching(root + ".(" + String.join("|", features) + ")..")
                .should().notDependOnEachOther();
    }

    @Test
    void featurePackagesThatExistDoNotDependOnEachOther() {
        List<String> features = featurePackages(classes, "org.custos");
        assertThat(features).as("feature packages").contains("audit", "servers").hasSizeGreaterThanOrEqualTo(2);
        featuresAreIndependent(features, "org.custos").check(classes);
    }

    @Test
    void theFeatureRuleFailsWhenOneFeatureUsesAnother() {
        JavaClasses fixture = new ClassFileImporter().importPackages("org.custos.arch.fixture.features");
        String root = "org.custos.arch.fixture.features";
        List<String> features = featurePackages(fixture, root);
        assertThat(features).containsExactly("alpha", "beta");
        assertThat(featuresAreIndependent(features, root).evaluate(fixture).hasViolation()).isTrue();
    }

    /** A View itself or a class inside one (a row factory, a cell). */
    private static final DescribedPredicate<JavaClass> VIEWS = DescribedPredicate.describe(
            "views (classes named *View and the classes inside them)", c -> {
                for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
                    if (k.getSimpleName().endsWith("View")) {
                        return true;
                    }
                }
                return false;
            });

    /** Comparisons that decide what a code or text means: they belong in view models or domain code. */
    static ArchRule viewsDecideNothing() {
        ArchCondition<JavaClass> none = new ArchCondition<>("not compare strings or codes") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                c.getMethodCallsFromSelf().stream()
                        .filter(call -> call.getTargetOwner().isEquivalentTo(String.class)
                                && Set.of("equals", "equalsIgnoreCase", "contains", "startsWith", "endsWith",
                                "matches", "compareTo", "compareToIgnoreCase", "regionMatches", "contentEquals")
                                .contains(call.getName())
                                || call.getTargetOwner().isEquivalentTo(java.util.Objects.class)
                                && call.getName().equals("equals"))
                        .forEach(call -> events.add(SimpleConditionEvent.violated(call, call.getDescription())));
            }
        };
        return classes().that(VIEWS).should(none)
                .because("what a code means (failed, break-the-glass, …) is decided in view models or domain code");
    }

    @Test
    void viewsLeaveDecisionsToViewModels() {
        viewsDecideNothing().check(classes);
    }

    @Test
    void theViewRuleFailsOnAViewThatDecides() {
        EvaluationResult r = viewsDecideNothing().evaluate(new ClassFileImporter().importPackages(
                "org.custos.arch.fixture"));
        String report = String.join("\n", r.getFailureReport().getDetails());
        assertThat(report).contains("DecidingView$1").contains("String.equals(java.lang.Object)")
                .contains("String.contains(java.lang.CharSequence)");
    }
}
