package dev.consentgate.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The layering of docs/design.md ("Modules and packages"), one allow-list per package in the style of Kroxylicious'
 * module layering: a package may use the ConsentGate packages its list names and no other. A new package fails
 * {@link #everyPackageHasAnAllowList} until it gets a list here and a line in the design document. This module sees
 * every other one on its class path, so the whole product is checked here.
 */
class LayeringTest {

    private static final String DESIGN = "docs/design.md#modules-and-packages";

    /** Package (below dev.consentgate) → the ConsentGate packages it may depend on. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            // generated from the Avro schemas
            Map.entry("schema", Set.of()),
            Map.entry("schema.internal", Set.of("schema")),
            Map.entry("sample", Set.of()),
            // the client library of purpose consumers: the field cipher and data keys the service shares with them
            Map.entry("client", Set.of()),
            // core
            Map.entry("policy", Set.of()),
            Map.entry("serde", Set.of()),
            Map.entry("metrics", Set.of()),
            Map.entry("consent", Set.of("policy", "serde", "schema", "schema.internal")),
            Map.entry("config", Set.of("client", "policy", "serde")),
            Map.entry("topics", Set.of("config", "policy")),
            Map.entry("output", Set.of("client", "policy", "serde", "schema")),
            // Decodes privacy signals with the IAB's library; pure Java like policy, whose mapping it applies.
            Map.entry("signal", Set.of("policy")),
            Map.entry("ingest", Set.of("output", "metrics", "policy", "serde", "signal", "schema", "schema.internal")),
            Map.entry("deadletter", Set.of("config", "ingest", "output", "metrics", "serde")),
            Map.entry("audit", Set.of("consent", "ingest", "output", "policy", "serde", "schema", "schema.internal")),
            Map.entry("enforce", Set.of("audit", "client", "config", "consent", "deadletter", "ingest", "output", "metrics", "policy", "serde", "schema", "topics",
                    "signal", "schema.internal")),
            // service
            Map.entry("health", Set.of("metrics")),
            // output and schema for the review commands: the held records' headers, the reviewer's decision they write
            Map.entry("cli", Set.of("config", "enforce", "health", "metrics", "output", "policy", "serde", "topics", "schema")),
            // auditor tools
            Map.entry("replay", Set.of("client", "config", "enforce", "ingest", "output", "policy", "serde", "schema")),
            // ingest for the customer partition subject export reads, output for the rerouted-consent header it reports
            Map.entry("tools", Set.of("audit", "cli", "client", "config", "ingest", "output", "policy", "replay", "serde", "schema")),
            // test support and demo
            Map.entry("testing", Set.of("config", "enforce", "policy", "serde", "topics", "schema", "sample")),
            Map.entry("demo", Set.of("cli", "client", "config", "enforce", "output", "policy", "replay", "serde", "testing", "topics", "schema",
                    "sample")));

    /** What the deployed service runs: none of it may need the test driver, the broker or Scala. */
    private static final String[] SERVICE = packages("client", "policy", "serde", "metrics", "signal", "consent", "config", "topics", "output", "ingest",
            "deadletter", "audit", "enforce", "health", "cli");

    private static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("/bench/"))
            .importPackages("dev.consentgate");

    @Test
    void theDesignDocumentTheListsFollowExists() throws IOException {
        // Tests run in the module's directory; the document is at the repository's root.
        Path design = Path.of("").toAbsolutePath().getParent().resolve("docs/design.md");
        assertThat(Files.readString(design, StandardCharsets.UTF_8)).as(DESIGN).contains("## Modules and packages");
    }

    @Test
    void everyPackageHasAnAllowList() {
        Set<String> found = PRODUCT.stream().map(JavaClass::getPackageName).map(LayeringTest::shortName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(ALLOWED.keySet()).as("packages with an allow-list (%s)", DESIGN).containsAll(found);
    }

    @TestFactory
    Stream<DynamicTest> eachPackageUsesOnlyWhatItsListAllows() {
        return ALLOWED.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
            String own = "dev.consentgate." + entry.getKey();
            String[] allowed = Stream.concat(Stream.of(own), entry.getValue().stream().map(p -> "dev.consentgate." + p)).toArray(String[]::new);
            classes().that().resideInAPackage(own)
                    .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.consentgate..").or(resideInAnyPackage(allowed)))
                    .because("of the layering in " + DESIGN)
                    .allowEmptyShould(true)
                    .check(PRODUCT);
        }));
    }

    @Test
    void thePolicyIsPureJava() {
        noClasses().that().resideInAPackage("dev.consentgate.policy")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.apache.avro..")
                .because("the policy model and decision function are pure Java: no Kafka, no Avro")
                .check(PRODUCT);
    }

    @Test
    void onlyTheSignalPackageDecodesSignalsAndItIsPureJava() {
        noClasses().that().resideOutsideOfPackage("dev.consentgate.signal")
                .should().dependOnClassesThat().resideInAPackage("com.iab..")
                .because("the IAB's decoder is used in one place, behind the signal package's own types")
                .check(PRODUCT);
        noClasses().that().resideInAPackage("dev.consentgate.signal")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.apache.avro..")
                .because("decoding a signal into consent statements is pure Java, as the policy it applies is")
                .check(PRODUCT);
    }

    @Test
    void theDataPathDoesNoFileIo() {
        noClasses().that().resideInAnyPackage(packages("signal", "consent", "config", "topics", "output", "ingest", "deadletter", "audit", "enforce"))
                .should().dependOnClassesThat().resideInAPackage("java.nio.file..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
                .because("the command line is the only place that reads files, environment and ports")
                .check(PRODUCT);
    }

    @Test
    void theServiceNeedsNoTestDriverBrokerOrScala() {
        noClasses().that().resideInAnyPackage(SERVICE)
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.streams.test..", "kafka..", "scala..",
                        "org.apache.kafka.server..", "org.apache.kafka.raft..", "org.apache.kafka.storage..")
                .because("service/target/consentgate.jar ships none of them; replay (tools) is the only user of the test driver")
                .check(PRODUCT);
    }

    private static String shortName(String packageName) {
        return packageName.substring("dev.consentgate.".length());
    }

    private static String[] packages(String... names) {
        return Arrays.stream(names).map(name -> "dev.consentgate." + name).toArray(String[]::new);
    }
}
