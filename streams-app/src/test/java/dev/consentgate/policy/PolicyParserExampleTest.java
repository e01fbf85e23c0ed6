package dev.consentgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped example policy parses into exactly the model its comments describe. */
class PolicyParserExampleTest {

    private static final String RESOURCE = "/policy/example-policy.yaml";

    private static byte[] exampleBytes() throws IOException {
        try (InputStream in = PolicyParserExampleTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE).isNotNull();
            return in.readAllBytes();
        }
    }

    private static Policy example() throws IOException {
        return PolicyParser.parse("example-policy.yaml", exampleBytes());
    }

    private static Set<DataCategory> categories(String... keys) {
        return Stream.of(keys).map(DataCategory::of).collect(Collectors.toSet());
    }

    @Test
    void versionAndModeAreRead() throws IOException {
        Policy policy = example();

        assertThat(policy.version()).isEqualTo("2026-11-22.1");
        assertThat(policy.enforcementMode()).isEqualTo(EnforcementMode.ENFORCE);
    }

    @Test
    void purposeRulesAreExactlyTheDocumentedOnes() throws IOException {
        Policy policy = example();

        assertThat(policy.purposes()).containsOnlyKeys(
                Purpose.of("marketing.communications.email"), Purpose.of("analytics.reporting"),
                Purpose.of("personalize.profiling"), Purpose.of("train_ai_system"),
                Purpose.of("marketing.advertising"), Purpose.of("essential.service"));
        assertThat(policy.purposes().values()).containsExactlyInAnyOrder(
                new PurposeRule(Purpose.of("marketing.communications.email"), LegalBasis.CONSENT, MissingConsentAction.DROP,
                        Optional.of(categories("user.contact.email", "user.name", "user.unique_id")), Set.of(), Map.of(),
                        "crm.purpose.marketing.communications.email", 16),
                new PurposeRule(Purpose.of("analytics.reporting"), LegalBasis.CONSENT, MissingConsentAction.REDACT,
                        Optional.empty(), Set.of(),
                        Map.of(DataCategory.of("user.contact"), RedactionAction.HASH,
                                DataCategory.of("user.name"), RedactionAction.REMOVE,
                                DataCategory.of("user.contact.address.postal_code"), RedactionAction.GENERALIZE,
                                DataCategory.of("user.demographic.date_of_birth"), RedactionAction.GENERALIZE,
                                DataCategory.of("user.unique_id"), RedactionAction.HASH),
                        "crm.purpose.analytics.reporting", 22),
                new PurposeRule(Purpose.of("personalize.profiling"), LegalBasis.LEGITIMATE_INTEREST, MissingConsentAction.TAG,
                        Optional.empty(), categories("user.demographic"), Map.of(),
                        "crm.purpose.personalize.profiling", 33),
                new PurposeRule(Purpose.of("train_ai_system"), LegalBasis.CONSENT, MissingConsentAction.DROP,
                        Optional.empty(),
                        categories("user.demographic", "user.contact.address.postal_code", "user.contact.email", "user.name"),
                        Map.of(), "crm.purpose.train_ai_system", 41),
                new PurposeRule(Purpose.of("marketing.advertising"), LegalBasis.CONSENT, MissingConsentAction.DROP,
                        Optional.of(categories("user.unique_id", "user.contact.email")), Set.of(), Map.of(),
                        "crm.purpose.marketing.advertising", 51),
                new PurposeRule(Purpose.of("essential.service"), LegalBasis.CONTRACT, MissingConsentAction.DROP,
                        Optional.empty(), Set.of(), Map.of(), "crm.purpose.essential.service", 57));
    }

    @Test
    void everyPurposeHasItsOwnTopic() throws IOException {
        assertThat(example().outputTopics()).containsExactly(
                "crm.purpose.analytics.reporting",
                "crm.purpose.essential.service",
                "crm.purpose.marketing.advertising",
                "crm.purpose.marketing.communications.email",
                "crm.purpose.personalize.profiling",
                "crm.purpose.train_ai_system");
    }

    @Test
    void californiaMakesAdvertisingOptOutWhileEuAndBrazilStayOptIn() throws IOException {
        Policy policy = example();

        assertThat(policy.jurisdictions()).isEqualTo(Map.of(
                "EU", new JurisdictionRule("EU", Set.of()),
                "BR", new JurisdictionRule("BR", Set.of()),
                "US-CA", new JurisdictionRule("US-CA", Set.of(Purpose.of("marketing.advertising")))));
    }

    @Test
    void inputsReadTheSampleSchemasEnvelopeFields() throws IOException {
        Policy policy = example();

        assertThat(policy.inputs()).containsExactly(
                sampleInput("crm.contacts", true, Map.of()),
                sampleInput("crm.email-engagement", false, Map.of()),
                sampleInput("crm.lead-scores", false, Map.of(
                        "pageViews30d", DataCategory.of("user.behavior.browsing_history"),
                        "emailOpens30d", DataCategory.of("user.behavior"))));
    }

    private static InputMapping sampleInput(String topic, boolean keyedByCustomerId, Map<String, DataCategory> categories) {
        return new InputMapping(topic, ValueSource.field("customerId"), ValueSource.field("purposes"),
                ValueSource.field("occurredAt"), Optional.of(ValueSource.field("eventId")), Optional.empty(),
                keyedByCustomerId, categories);
    }

    @Test
    void contentHashIsTheSha256OfTheBytesAndChangesWithAnyByte() throws IOException, NoSuchAlgorithmException {
        byte[] bytes = exampleBytes();
        byte[] changed = bytes.clone();
        changed[2] = (byte) (changed[2] == 'x' ? 'y' : 'x'); // inside the opening comment: same policy, other text

        String hash = PolicyParser.parse("a.yaml", bytes).contentHash();

        assertThat(hash).matches("[0-9a-f]{64}")
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(PolicyParser.parse("b.yaml", bytes).contentHash()).isEqualTo(hash);
        assertThat(PolicyParser.parse("c.yaml", changed).contentHash()).matches("[0-9a-f]{64}").isNotEqualTo(hash);
    }

    @Test
    void readsAFileFromDisk(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("policy.yaml"), exampleBytes());

        assertThat(PolicyParser.parse(file)).isEqualTo(example());
    }

    @Test
    void aFileThatCannotBeReadIsOneProblemAtLineZero(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> PolicyParser.parse(missing))
                .isInstanceOfSatisfying(PolicyException.class, e -> {
                    assertThat(e.file()).isEqualTo(missing.toString());
                    assertThat(e.problems()).containsExactly(new PolicyProblem(0,
                            "cannot read the policy file: java.nio.file.NoSuchFileException: " + missing));
                });
    }
}
