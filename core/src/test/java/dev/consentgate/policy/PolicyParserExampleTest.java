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

        assertThat(policy.version()).isEqualTo("2026-12-06.1");
        assertThat(policy.enforcementMode()).isEqualTo(EnforcementMode.ENFORCE);
    }

    @Test
    void purposeRulesAreExactlyTheDocumentedOnes() throws IOException {
        Policy policy = example();

        assertThat(policy.purposes()).containsOnlyKeys(
                Purpose.of("marketing.communications.email"), Purpose.of("analytics.reporting"),
                Purpose.of("personalize.profiling"), Purpose.of("train_ai_system"),
                Purpose.of("marketing.advertising"), Purpose.of("sales.prospecting"), Purpose.of("essential.service"));
        assertThat(policy.purposes().values()).containsExactlyInAnyOrder(
                new PurposeRule(Purpose.of("marketing.communications.email"), LegalBasis.CONSENT, MissingConsentAction.DROP,
                        categories("user.contact.email", "user.name", "user.unique_id", "system.operations"), Set.of(), Map.of(),
                        "crm.purpose.marketing.communications.email", 20),
                new PurposeRule(Purpose.of("analytics.reporting"), LegalBasis.CONSENT, MissingConsentAction.REDACT,
                        categories("user", "system"), Set.of(),
                        Map.of(DataCategory.of("user.contact"), RedactionAction.HASH,
                                DataCategory.of("user.name"), RedactionAction.REMOVE,
                                DataCategory.of("user.contact.address.postal_code"), RedactionAction.GENERALIZE,
                                DataCategory.of("user.demographic.date_of_birth"), RedactionAction.GENERALIZE,
                                DataCategory.of("user.unique_id"), RedactionAction.HASH),
                        "crm.purpose.analytics.reporting", 26),
                new PurposeRule(Purpose.of("personalize.profiling"), LegalBasis.LEGITIMATE_INTEREST, MissingConsentAction.DROP,
                        categories("user", "system"), categories("user.demographic"), Map.of(),
                        "crm.purpose.personalize.profiling", 38),
                new PurposeRule(Purpose.of("train_ai_system"), LegalBasis.CONSENT, MissingConsentAction.DROP,
                        categories("user.behavior", "system.operations"),
                        categories("user.demographic", "user.contact.address.postal_code"),
                        Map.of(), "crm.purpose.train_ai_system", 46),
                new PurposeRule(Purpose.of("marketing.advertising"), LegalBasis.CONSENT, MissingConsentAction.DROP,
                        categories("user.unique_id", "user.contact.email", "system.operations"), Set.of(), Map.of(),
                        "crm.purpose.marketing.advertising", 53),
                new PurposeRule(Purpose.of("sales.prospecting"), LegalBasis.CONSENT, MissingConsentAction.TAG,
                        categories("user.name", "user.contact.email", "user.contact.phone_number", "system.operations"),
                        Set.of(), Map.of(), "crm.purpose.sales.prospecting", 59),
                new PurposeRule(Purpose.of("essential.service"), LegalBasis.CONTRACT, MissingConsentAction.DROP,
                        categories("user", "system"), Set.of(), Map.of(), "crm.purpose.essential.service", 65));
    }

    @Test
    void everyPurposeHasItsOwnTopic() throws IOException {
        assertThat(example().outputTopics()).containsExactly(
                "crm.purpose.analytics.reporting",
                "crm.purpose.essential.service",
                "crm.purpose.marketing.advertising",
                "crm.purpose.marketing.communications.email",
                "crm.purpose.personalize.profiling",
                "crm.purpose.sales.prospecting",
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

        SignalSources relayedByTheWeb = new SignalSources(Optional.of(ValueSource.header("x-tc-string")),
                Optional.of(ValueSource.header("x-gpp-string")), Optional.of(ValueSource.header("sec-gpc")));
        assertThat(policy.inputs()).containsExactly(
                sampleInput("crm.contacts", true, relayedByTheWeb, "marketing", "analytics.reporting", "personalize.profiling",
                        "sales.prospecting", "essential.service"),
                sampleInput("crm.email-engagement", false, SignalSources.NONE, "marketing.communications.email", "analytics.reporting",
                        "personalize.profiling", "train_ai_system"),
                sampleInput("crm.lead-scores", false, SignalSources.NONE, "analytics.reporting", "personalize.profiling", "train_ai_system",
                        "marketing.advertising", "sales.prospecting"));
    }

    @Test
    void signalsSpeakForTheirMappedPurposesAndGpcWhereTheLawGivesItEffect() throws IOException {
        SignalMapping signals = example().signals().orElseThrow();

        assertThat(signals.tcf()).contains(new TcfMapping(755, Map.of(
                3, Set.of(Purpose.of("personalize.profiling")), 4, Set.of(Purpose.of("marketing.advertising")),
                7, Set.of(Purpose.of("analytics.reporting")), 10, Set.of(Purpose.of("personalize.profiling"))),
                Map.of(1, Set.of(Purpose.of("train_ai_system")))));
        assertThat(signals.gpp()).isEqualTo(Map.of(
                "usnat", Map.of(UsOptOut.SALE, Set.of(Purpose.of("sales.prospecting")), UsOptOut.SHARING, Set.of(Purpose.of("marketing.advertising")),
                        UsOptOut.TARGETED_ADVERTISING, Set.of(Purpose.of("marketing.advertising"))),
                "usca", Map.of(UsOptOut.SALE, Set.of(Purpose.of("sales.prospecting")), UsOptOut.SHARING, Set.of(Purpose.of("marketing.advertising"))),
                "uspv1", Map.of(UsOptOut.SALE, Set.of(Purpose.of("sales.prospecting")))));
        assertThat(signals.gpc()).isEqualTo(GpcMapping.BY_LAW);
    }

    private static InputMapping sampleInput(String topic, boolean keyedByCustomerId, SignalSources signals, String... allowedPurposes) {
        return new InputMapping(topic, ValueSource.field("customerId"), ValueSource.field("purposes"),
                ValueSource.field("occurredAt"), Optional.of(ValueSource.field("eventId")), Optional.empty(),
                keyedByCustomerId, Map.of(), Optional.of(Stream.of(allowedPurposes).map(Purpose::of).collect(Collectors.toSet())),
                Set.of("traceparent"), signals);
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
