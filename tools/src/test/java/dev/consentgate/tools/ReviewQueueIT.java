package dev.consentgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.cli.ConsentGateCommand;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.enforce.ReviewId;
import dev.consentgate.output.OutputHeaders;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.testing.ApicurioRegistry;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.testing.KafkaTestSupport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The review queue on a real broker and registry: records of a purpose with {@code review: required} wait on the review
 * topic, survive a restart on an empty state directory (restored from the changelog), and a reviewer's decisions through
 * {@code consentgate review} release one, drop one withdrawn in between and one rejected, and refuse a duplicate; a record
 * on the decision topic that is no decision neither hides a held record from {@code review list} nor decides it; {@code audit verify} and
 * {@code replay} pass over the whole trail.
 */
class ReviewQueueIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    /** Shortly before now: the broker's retention (7 days) would delete older records, inputs and consent, while the test reads them. */
    private static final long T0 = Instant.now().minusSeconds(900).toEpochMilli() / 1000 * 1000;
    private static final String SALES = "sales.prospecting";
    private static ApicurioRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = ApicurioRegistry.shared();
    }

    @Test
    void heldRecordsSurviveARestartAndAreReleasedOrDroppedOnceByTheReviewersDecision() throws Exception {
        String applicationId = "review-" + UUID.randomUUID().toString().substring(0, 8);
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), registry, applicationId);
        String reviewTopic = run.topic("consent.review");
        String decisionsTopic = run.topic("consent.review.decisions");
        Map<String, String> reviewTopics = Map.of(ConsentGateConfig.REVIEW_TOPIC, reviewTopic,
                ConsentGateConfig.REVIEW_DECISIONS_TOPIC, decisionsTopic);
        String yaml = run.policyYaml().replace("  " + SALES + ":\n    basis: consent\n", "  " + SALES + ":\n    basis: consent\n    review: required\n");
        Policy policy = PolicyParser.parse("policy.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(policy.usesReview()).isTrue();
        Path dir = Files.createTempDirectory("review-queue-it");
        Path config = run.writeConfig(dir, reviewTopics);
        Path policyFile = Files.writeString(dir.resolve("policy.yaml"), yaml);
        StringWriter out = new StringWriter();
        assertThat(command(out, "topics", "create", "--config", config.toString(), "--policy", policyFile.toString()))
                .as(out.toString()).isEqualTo(ExitCodes.OK);
        String purposeTopic = run.topic("crm.purpose." + SALES);

        // Given three customers who consented to sales, and a contact update each for sales.prospecting
        run.send(run.serialize(List.of(consent("c-1", ConsentStatus.GRANTED, T0), consent("c-2", ConsentStatus.GRANTED, T0),
                consent("c-3", ConsentStatus.GRANTED, T0), contact("e-1", "c-1", T0 + 1_000), contact("e-2", "c-2", T0 + 1_000),
                contact("e-4", "c-3", T0 + 1_000))));
        Map<String, Object> serviceConfig = new HashMap<>(reviewTopics);
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(serviceConfig), policy), "127.0.0.1", 0)) {
            // Then all three are held, and the purpose gets nothing yet
            List<ConsumerRecord<byte[], byte[]>> held = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(reviewTopic),
                    records -> records.size() >= 3, EndToEndRun.PROCESSING_TIMEOUT);
            assertThat(held).hasSize(3).allSatisfy(r -> assertThat(KafkaTestSupport.header(r, OutputHeaders.DECISION)).isEqualTo("permit"));
        }
        Map<String, String> reviewIds = reviewIdsByEvent(reviewTopic);
        assertThat(reviewIds).containsOnlyKeys("e-1", "e-2", "e-4");
        // A record on the decision topic that is no decision, keyed by e-1's review id, decides nothing: e-1 is still listed
        String e1 = reviewIds.get("e-1");
        run.send(List.of(new ProducerRecord<>(decisionsTopic, ReviewId.parse(e1).orElseThrow().partition(), T0 + 2_000,
                e1.getBytes(StandardCharsets.UTF_8), "APPROVE".getBytes(StandardCharsets.UTF_8))));
        StringWriter listed = new StringWriter();
        assertThat(command(listed, "review", "list", "--config", config.toString())).as(listed.toString()).isEqualTo(ExitCodes.OK);
        assertThat(listed.toString().lines().toList()).hasSize(4).contains("3 held record(s) waiting for a decision")
                .anySatisfy(line -> assertThat(line).startsWith(reviewIds.get("e-1") + "  purpose=" + SALES + "  event=e-1  decision=permit"));

        // When c-2 withdraws, the service restarts on an empty state directory, a reviewer approves e-1 (twice) and e-2,
        // and rejects e-4
        run.send(run.serialize(List.of(consent("c-2", ConsentStatus.WITHDRAWN, T0 + 5_000), contact("e-3", "c-2", T0 + 6_000))));
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(serviceConfig), policy), "127.0.0.1", 0)) {
            // e-3, decided after the withdrawal, shows it has been applied
            KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(run.auditTopic()), records -> records.size() >= 4,
                    EndToEndRun.PROCESSING_TIMEOUT);
            for (String id : List.of(reviewIds.get("e-1"), reviewIds.get("e-2"), reviewIds.get("e-1"))) {
                assertThat(command(out, "review", "approve", "--config", config.toString(), "--reviewer", "rev-7", "--reason",
                        "lead checked", id)).as(out.toString()).isEqualTo(ExitCodes.OK);
            }
            assertThat(command(out, "review", "reject", "--config", config.toString(), "--reviewer", "rev-7", "--reason", "not a lead",
                    reviewIds.get("e-4"))).as(out.toString()).isEqualTo(ExitCodes.OK);

            // Then e-1 reaches the purpose once, e-2 and e-4 are dropped, and the record that is no decision and the
            // duplicate are dead-lettered
            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(run.topic("consent.dlq")),
                    records -> records.size() >= 2, EndToEndRun.PROCESSING_TIMEOUT);
            assertThat(dead).extracting(r -> KafkaTestSupport.header(r, OutputHeaders.DLQ_REASON))
                    .containsExactly("BAD_MAGIC_BYTE", "REVIEW_NOT_HELD");
            KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(run.auditTopic()), records -> records.size() >= 7,
                    EndToEndRun.PROCESSING_TIMEOUT);
        }
        List<ConsumerRecord<byte[], byte[]>> released = KafkaTestSupport.readToEnd(KAFKA.bootstrapServers(), purposeTopic, Duration.ofSeconds(30));
        assertThat(released).singleElement().satisfies(r -> assertThat(KafkaTestSupport.header(r, OutputHeaders.EVENT_ID)).isEqualTo("e-1"));
        List<DecisionRecord> audits = audits(run);
        assertThat(audits).hasSize(7);
        assertThat(audits).filteredOn(a -> a.getReview() != null).extracting(a -> a.getEventId() + ":" + a.getReview().getAction() + ":"
                        + a.getReview().getReviewer() + ":" + a.getReview().getReason() + ":" + a.getDecisions().get(0).getDecision() + ":"
                        + a.getDecisions().get(0).getReasons())
                .containsExactlyInAnyOrder("e-1:approve:rev-7:lead checked:PERMIT:[CONSENT_GRANTED, CONSENT_INHERITED]",
                        "e-2:approve:rev-7:lead checked:DROP:[CONSENT_WITHDRAWN, CONSENT_INHERITED]",
                        "e-4:reject:rev-7:not a lead:DROP:[REVIEW_REJECTED]");

        // and the audit trail verifies and replays, the reviewers' decisions included
        Path auditorConfig = run.writeConfig(dir, reviewTopics);
        StringWriter checked = new StringWriter();
        assertThat(command(checked, "audit", "verify", "--config", auditorConfig.toString())).as(checked.toString()).isEqualTo(ExitCodes.OK);
        StringWriter replayed = new StringWriter();
        assertThat(command(replayed, "replay", "--config", auditorConfig.toString(), "--policy", policyFile.toString()))
                .as(replayed.toString()).isEqualTo(ExitCodes.OK);
        assertThat(replayed.toString()).contains("result: all 7 decisions match");
    }

    /** The review id of each held record, by its event id. */
    private static Map<String, String> reviewIdsByEvent(String reviewTopic) {
        Map<String, String> ids = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : KafkaTestSupport.readToEnd(KAFKA.bootstrapServers(), reviewTopic, Duration.ofSeconds(30))) {
            ids.put(KafkaTestSupport.header(record, OutputHeaders.EVENT_ID), KafkaTestSupport.header(record, OutputHeaders.REVIEW_ID));
        }
        return ids;
    }

    private static List<DecisionRecord> audits(EndToEndRun run) {
        Map<String, Object> settings = new HashMap<>(run.properties());
        settings.put("specific.avro.reader", true);
        try (ConfluentAvroDeserializer values = new ConfluentAvroDeserializer()) {
            values.configure(settings, false);
            return KafkaTestSupport.readToEnd(KAFKA.bootstrapServers(), run.auditTopic(), Duration.ofSeconds(30)).stream()
                    .map(r -> (DecisionRecord) values.deserialize(run.auditTopic(), r.value())).toList();
        }
    }

    private static EndToEndScenario.Message consent(String customer, ConsentStatus status, long time) {
        ConsentEvent event = ConsentEvent.newBuilder().setCustomerId(customer).setPurpose("sales").setStatus(status)
                .setCapturedAt(Instant.ofEpochMilli(time)).setJurisdiction("EU").setSource("it").build();
        return new EndToEndScenario.Message("consent.events", customer, time, event, null);
    }

    private static EndToEndScenario.Message contact(String eventId, String customer, long time) {
        return new EndToEndScenario.Message("crm.contacts", customer, time, EndToEndScenario.contact(eventId, customer, time, List.of(SALES)), null);
    }

    private static int command(StringWriter out, String... args) {
        CommandLine commandLine = ConsentGateCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        return commandLine.execute(args);
    }
}
