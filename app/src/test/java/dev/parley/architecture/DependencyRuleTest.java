package dev.parley.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rule (docs/architecture.md), executable: the core (domain, application) knows only
 * java.*, the domain knows nothing of the application, adapters do not know each other, and only the
 * composition root ({@code dev.parley.app}, the app module) names adapter classes; nothing depends on it.
 */
@AnalyzeClasses(packages = "dev.parley", importOptions = ImportOption.DoNotIncludeTests.class)
class DependencyRuleTest {

    @ArchTest
    static final ArchRule domainUsesOnlyTheJdk = classes().that().resideInAPackage("dev.parley.domain..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.parley.domain..");

    @ArchTest
    static final ArchRule applicationUsesOnlyTheJdkAndTheDomain = classes()
            .that().resideInAPackage("dev.parley.application..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "dev.parley.domain..", "dev.parley.application..");

    @ArchTest
    static final ArchRule persistenceDoesNotKnowOtherAdapters = noClasses()
            .that().resideInAPackage("dev.parley.persistence..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("dev.parley.ai..", "dev.parley.rest..", "dev.parley.telemetry..",
                    "dev.parley.application..", "dev.parley.jdbc..");

    @ArchTest
    static final ArchRule aiDoesNotKnowOtherAdapters = noClasses()
            .that().resideInAPackage("dev.parley.ai..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("dev.parley.persistence..", "dev.parley.rest..", "dev.parley.telemetry..",
                    "dev.parley.application..", "dev.parley.jdbc..");

    @ArchTest
    static final ArchRule telemetryDoesNotKnowOtherAdapters = noClasses()
            .that().resideInAPackage("dev.parley.telemetry..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("dev.parley.persistence..", "dev.parley.ai..", "dev.parley.rest..",
                    "dev.parley.application..", "dev.parley.jdbc..", "dev.parley.app..");

    @ArchTest
    static final ArchRule restDoesNotKnowOtherAdapters = noClasses()
            .that().resideInAPackage("dev.parley.rest..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("dev.parley.persistence..", "dev.parley.ai..", "dev.parley.telemetry..",
                    "dev.parley.jdbc..", "dev.parley.app..");

    @ArchTest
    static final ArchRule nothingDependsOnTheCompositionRoot = noClasses()
            .that().resideOutsideOfPackage("dev.parley.app..")
            .should().dependOnClassesThat().resideInAPackage("dev.parley.app..");

    @ArchTest
    static final ArchRule noFrameworkTypesInTheCore = noClasses()
            .that().resideInAnyPackage("dev.parley.domain..", "dev.parley.application..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("jakarta..", "javax..", "org.eclipse.microprofile..", "org.hibernate..",
                    "org.postgresql..", "org.flywaydb..");
}
