package org.custos.arch;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import javafx.fxml.FXML;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
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
    void featurePackagesDoNotImportEachOther() {
        slices().matching("org.custos.(audit|consent|provenance|servers)..").should().notDependOnEachOther()
                .allowEmptyShould(true).check(classes);
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
                        "org.custos.provenance..", "org.custos.servers..", "org.custos.ui..", "org.custos.app..")
                .should().dependOnClassesThat().resideInAnyPackage("org.hl7.fhir..", "ca.uhn.fhir..")
                .check(classes);
    }

    @Test
    void servicesAndTheCommandLineDoNotNeedJavaFx() {
        noClasses().that().resideInAnyPackage("org.custos.cache..", "org.custos.sync..", "org.custos.fhir..",
                        "org.custos.cli..", "org.custos.demo..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "atlantafx..", "org.controlsfx..")
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
}
