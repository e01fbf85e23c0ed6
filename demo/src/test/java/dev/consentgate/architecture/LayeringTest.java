package dev.consentgate.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering of DESIGN.md, enforced so that it cannot be broken by accident. */
@AnalyzeClasses(packages = "dev.consentgate", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule policyIsPureJava = noClasses().that().resideInAPackage("dev.consentgate.policy..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.apache.kafka..", "org.apache.avro..", "dev.consentgate.schema..",
                    "dev.consentgate.consent..", "dev.consentgate.topology..", "dev.consentgate.serde..",
                    "dev.consentgate.metrics..", "dev.consentgate.cli..", "dev.consentgate.demo..")
            .because("the policy model and decision function are pure Java: no Kafka, no Avro, no I/O layers");

    @ArchTest
    static final ArchRule serdeKnowsNothingOfPolicies = noClasses().that().resideInAPackage("dev.consentgate.serde..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.consentgate.policy..", "dev.consentgate.consent..", "dev.consentgate.topology..",
                    "dev.consentgate.cli..", "dev.consentgate.demo..")
            .because("the serde is a general Confluent-compatible Avro serde");

    @ArchTest
    static final ArchRule consentStoreSitsBelowTheTopology = noClasses().that().resideInAPackage("dev.consentgate.consent..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.consentgate.topology..", "dev.consentgate.cli..", "dev.consentgate.demo..");

    @ArchTest
    static final ArchRule topologyDoesNoIoOfItsOwn = noClasses().that().resideInAnyPackage(
                    "dev.consentgate.topology..", "dev.consentgate.consent..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.consentgate.cli..", "dev.consentgate.demo..", "java.nio.file..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
            .because("the command line is the only place that reads files, environment and ports");

    @ArchTest
    static final ArchRule replaySitsBesideTheCommandLine = noClasses().that().resideInAnyPackage(
                    "dev.consentgate.policy..", "dev.consentgate.consent..", "dev.consentgate.topology..",
                    "dev.consentgate.serde..", "dev.consentgate.metrics..", "dev.consentgate.demo..")
            .should().dependOnClassesThat().resideInAPackage("dev.consentgate.replay..")
            .orShould().dependOnClassesThat().resideInAPackage("org.apache.kafka.streams.test..")
            .because("replay is an auditor's tool over the topology: nothing the service runs depends on it or on the test driver");

    @ArchTest
    static final ArchRule replayIsNoCommandLine = noClasses().that().resideInAPackage("dev.consentgate.replay..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.consentgate.cli..", "dev.consentgate.demo..")
            .because("the command line reads files, environment and ports; replay only reads Kafka");
}
