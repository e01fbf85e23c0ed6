package dev.consentgate.tools;

import static dev.consentgate.testing.KafkaTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.consentgate.cli.ConsentGateCommand;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.enforce.EnforcementDriver;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentSignal;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.SignalKind;
import dev.consentgate.schema.SignalUsed;
import dev.consentgate.serde.AvroSerdeConfig;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.ConfluentAvroSerializer;
import dev.consentgate.signal.SignalFixtures;
import dev.consentgate.testing.ApicurioRegistry;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.testing.KafkaTestSupport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Privacy signals end to end, against a real broker and a real registry: a TCF consent, GPC from a California and
 * from an EU customer, and a malformed TC string, read from the signals topic by the service under exactly-once; GPC and
 * a malformed TC string in the headers of contact updates (the example policy reads them there); all decided into the
 * audit topic with the signal each decision rests on, and reproduced by {@code consentgate replay}.
 */
class SignalsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    /** Times of today: the broker's retention deletes records stamped in 1970 before the replay reads them. */
    private static final long T0 = System.currentTimeMillis() - 60_000;
    private static final String ADVERTISING = "marketing.advertising";
    /** Consent (TCF purpose 4) to the vendor the policy configures: five mapped statements, one a grant of advertising. */
    private static final String GRANTS_ADVERTISING = SignalFixtures.tcString().consent(4).vendorConsent(SignalFixtures.VENDOR).encode();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    @Test
    void signalsAreDecidedAuditedDeadLetteredAndReplayed() throws Exception {
        // Given a service whose policy maps signals, and its signals topic
        String applicationId = "signals-" + UUID.randomUUID().toString().substring(0, 8);
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), ApicurioRegistry.shared(), applicationId);
        String policyYaml = run.policyYaml();
        String signals = run.topic("consent.signals");
        Map<String, Object> properties = run.withStateDir(Map.of(
                // Consent and events are merged in timestamp order, so each event sees the statements captured before it.
                StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 5_000L));
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
        serializer.configure(run.properties(), false);
        String consents = run.topic("consent.events");
        String contacts = run.topic("crm.contacts");

        try (StreamsService service = start(properties, policyYaml)) {
            // When signals and consent arrive, and once their statements are on the rerouted-consent topic, the events
            run.send(List.of(
                    record(serializer, signals, "cust-tcf", signal("cust-tcf", SignalKind.TCF, GRANTS_ADVERTISING, "EU"), T0 + 1_000),
                    record(serializer, consents, "cust-ca", consent("cust-ca", "sales.prospecting", "US-CA"), T0 + 1_000),
                    record(serializer, signals, "cust-ca", signal("cust-ca", SignalKind.GPC, "1", "US-CA"), T0 + 1_500),
                    record(serializer, consents, "cust-eu", consent("cust-eu", ADVERTISING, "EU"), T0 + 1_000),
                    record(serializer, consents, "cust-header", consent("cust-header", "sales.prospecting", "US-CA"), T0 + 1_000),
                    record(serializer, signals, "cust-eu", signal("cust-eu", SignalKind.GPC, "1", "EU"), T0 + 1_500),
                    record(serializer, signals, "cust-bad", signal("cust-bad", SignalKind.TCF, "CP!not-a-tc-string", "EU"), T0 + 1_500)));
            assertThat(readCommitted(List.of(run.topic("consent.events.rerouted")), 6)).hasSize(6);
            // A California customer's browser sends GPC with a contact update; another update carries a broken TC string
            ProducerRecord<byte[], byte[]> withGpc = record(serializer, contacts, "cust-header",
                    EnforcementDriver.contact("e-header-gpc", "cust-header", T0 + 2_000, ADVERTISING), T0 + 2_000);
            withGpc.headers().add("sec-gpc", "1".getBytes(StandardCharsets.UTF_8));
            ProducerRecord<byte[], byte[]> withBrokenTcString = record(serializer, contacts, "cust-header",
                    EnforcementDriver.contact("e-header-bad", "cust-header", T0 + 2_500, ADVERTISING), T0 + 2_500);
            withBrokenTcString.headers().add("x-tc-string", "CP!not-a-tc-string".getBytes(StandardCharsets.UTF_8));
            run.send(List.of(
                    record(serializer, contacts, "cust-tcf", EnforcementDriver.contact("e-tcf", "cust-tcf", T0 + 2_000, ADVERTISING), T0 + 2_000),
                    record(serializer, contacts, "cust-ca", EnforcementDriver.contact("e-ca", "cust-ca", T0 + 2_000, ADVERTISING), T0 + 2_000),
                    record(serializer, contacts, "cust-eu", EnforcementDriver.contact("e-eu", "cust-eu", T0 + 2_000, ADVERTISING), T0 + 2_000),
                    record(serializer, contacts, "cust-bad", EnforcementDriver.contact("e-bad", "cust-bad", T0 + 2_000, ADVERTISING), T0 + 2_000),
                    withGpc,
                    withBrokenTcString,
                    record(serializer, contacts, "cust-header", EnforcementDriver.contact("e-header-later", "cust-header", T0 + 3_000,
                            ADVERTISING), T0 + 3_000)));

            // Then each event is decided on the statements its customer's signals made
            List<ConsumerRecord<byte[], byte[]>> read = readCommitted(List.of(run.auditTopic(), run.topic("consent.dlq")), 8);
            List<DecisionRecord> audits = read.stream().filter(r -> r.topic().equals(run.auditTopic()))
                    .map(r -> decisionRecord(run, r.value())).sorted(Comparator.comparing(DecisionRecord::getEventId)).toList();
            assertThat(audits).extracting(a -> a.getEventId() + ":" + a.getDecisions().get(0).getDecision() + ":"
                    + String.join(",", a.getDecisions().get(0).getReasons())).containsExactly(
                    "e-bad:DROP:UNKNOWN_CUSTOMER",
                    "e-ca:DROP:OPTED_OUT",
                    "e-eu:PERMIT:CONSENT_GRANTED",
                    "e-header-gpc:DROP:OPTED_OUT",
                    "e-header-later:DROP:OPTED_OUT",
                    "e-tcf:PERMIT:CONSENT_GRANTED");
            Map<String, SignalUsed> signalUsed = new HashMap<>();
            audits.stream().filter(a -> a.getDecisions().get(0).getConsentUsed() != null)
                    .forEach(a -> signalUsed.put(a.getEventId(), a.getDecisions().get(0).getConsentUsed().getSignal()));
            assertThat(signalUsed).containsEntry("e-ca", new SignalUsed("gpc", "1", "GPC: opted out (in US-CA)"))
                    .containsEntry("e-tcf", new SignalUsed("tcf", GRANTS_ADVERTISING, "TCF purpose 4 for vendor 755: consent given"))
                    .containsEntry("e-eu", null)
                    .containsEntry("e-header-gpc", new SignalUsed("gpc", "1", "GPC: opted out (in US-CA)"))
                    .containsEntry("e-header-later", new SignalUsed("gpc", "1", "GPC: opted out (in US-CA)"));
            assertThat(audits.stream().filter(a -> a.getEventId().startsWith("e-header-")))
                    .extracting(a -> a.getDecisions().get(0).getConsentUsed().getConsentId() + " from " + a.getDecisions().get(0).getConsentUsed().getSource())
                    .containsExactly("e-header-gpc from " + contacts, "e-header-gpc from " + contacts);
            assertThat(read.stream().filter(r -> r.topic().equals(run.topic("consent.dlq"))))
                    .extracting(r -> header(r, "consent-dlq-reason") + ": " + header(r, "consent-dlq-detail") + " at " + header(r, "consent-dlq-topic"))
                    .containsExactlyInAnyOrder("MALFORMED_SIGNAL: TC string cannot be decoded (DecodingException) at " + signals,
                            "MALFORMED_SIGNAL: signal carried by the event: TC string cannot be decoded (DecodingException) at " + contacts);
        }

        // And a replay of the recorded run reproduces every decision
        assertReplayMatches(run, 6, policyYaml);
    }

    @Test
    void aSignalCarriedByAnEventUnderOnePolicyCountsUnderTheNextAndTheReplayAgrees() throws Exception {
        // Given a service under the example policy, then under its next version (the same rules, another content hash)
        String applicationId = "signals-change-" + UUID.randomUUID().toString().substring(0, 8);
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), ApicurioRegistry.shared(), applicationId);
        String first = run.policyYaml();
        String next = first.replace("version: \"2026-12-06.1\"", "version: \"2026-12-07.1\"");
        assertThat(next).isNotEqualTo(first);
        Map<String, Object> properties = run.withStateDir(Map.of(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 5_000L,
                // The service does not leave the group on close: the next one gets its tasks once this session expires.
                "session.timeout.ms", "6000"));
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
        serializer.configure(run.properties(), false);
        String contacts = run.topic("crm.contacts");

        // When, under the first, a California customer's contact update carries GPC
        try (StreamsService service = start(properties, first)) {
            run.send(List.of(record(serializer, run.topic("consent.events"), "cust-ca", consent("cust-ca", "sales.prospecting", "US-CA"),
                    T0 + 1_000)));
            ProducerRecord<byte[], byte[]> withGpc = record(serializer, contacts, "cust-ca",
                    EnforcementDriver.contact("e-gpc", "cust-ca", T0 + 2_000, ADVERTISING), T0 + 2_000);
            withGpc.headers().add("sec-gpc", "1".getBytes(StandardCharsets.UTF_8));
            run.send(List.of(withGpc));
            assertThat(readCommitted(List.of(run.auditTopic()), 1)).hasSize(1);
        }
        // and under the next, an update without it
        try (StreamsService service = start(properties, next)) {
            run.send(List.of(record(serializer, contacts, "cust-ca",
                    EnforcementDriver.contact("e-after", "cust-ca", T0 + 3_000, ADVERTISING), T0 + 3_000)));

            // Then the opt-out the first policy recorded still drops the customer's advertising under the next
            List<DecisionRecord> audits = readCommitted(List.of(run.auditTopic()), 2).stream().map(r -> decisionRecord(run, r.value()))
                    .sorted(Comparator.comparing(DecisionRecord::getEventId)).toList();
            assertThat(audits).extracting(a -> a.getEventId() + ":" + a.getPolicyVersion() + ":" + a.getDecisions().get(0).getDecision()
                    + ":" + String.join(",", a.getDecisions().get(0).getReasons()) + ":" + a.getDecisions().get(0).getConsentUsed().getConsentId())
                    .containsExactly("e-after:2026-12-07.1:DROP:OPTED_OUT:e-gpc", "e-gpc:2026-12-06.1:DROP:OPTED_OUT:e-gpc");
        }

        // And a replay under both versions reproduces both: the first policy's driver hands the statement to the next's
        assertReplayMatches(run, 2, first, next);
    }

    private static StreamsService start(Map<String, Object> properties, String policyYaml) throws Exception {
        return StreamsService.start(Setup.of(properties, PolicyParser.parse("policy.yaml", policyYaml.getBytes(StandardCharsets.UTF_8))),
                "127.0.0.1", 0);
    }

    /** {@code consentgate replay} of the run under {@code policies} matches all of its {@code events} decisions. */
    private void assertReplayMatches(EndToEndRun run, int events, String... policies) throws Exception {
        Path report = dir.resolve("replay.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine commandLine = ConsentGateCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        // The run's settings, not the service's: a replay's test driver would wait for idle partitions.
        List<String> arguments = new ArrayList<>(List.of("replay", "--config", config(run.properties()).toString(), "--report", report.toString()));
        for (int i = 0; i < policies.length; i++) {
            arguments.addAll(List.of("--policy", Files.writeString(dir.resolve("policy-" + i + ".yaml"), policies[i]).toString()));
        }
        assertThat(commandLine.execute(arguments.toArray(String[]::new))).as("%s%n%s", out, err).isEqualTo(ExitCodes.OK);
        JsonNode counts = new ObjectMapper().readTree(report.toFile()).get("counts");
        assertThat(counts.get("events").asLong()).isEqualTo(events);
        assertThat(counts.get("matched").asLong()).isEqualTo(events);
        assertThat(counts.get("mismatched").asLong()).isZero();
    }

    private static ConsentSignal signal(String customerId, SignalKind kind, String value, String jurisdiction) {
        return ConsentSignal.newBuilder().setSignalId("s-" + customerId).setCustomerId(customerId).setKind(kind).setValue(value)
                .setCapturedAt(Instant.ofEpochMilli(T0 + (kind == SignalKind.GPC ? 1_500 : 1_000))).setJurisdiction(jurisdiction)
                .setSource("web-cmp").build();
    }

    private static ConsentEvent consent(String customerId, String purpose, String jurisdiction) {
        return ConsentEvent.newBuilder().setCustomerId(customerId).setPurpose(purpose).setStatus(ConsentStatus.GRANTED)
                .setCapturedAt(Instant.ofEpochMilli(T0 + 1_000)).setJurisdiction(jurisdiction).setSource("web-banner").build();
    }

    private static ProducerRecord<byte[], byte[]> record(ConfluentAvroSerializer serializer, String topic, String key, SpecificRecord value,
                                                         long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, key.getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, value));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(List<String> topics, int count) {
        return KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), topics, r -> r.size() >= count, TIMEOUT, Duration.ofMillis(500));
    }

    private static DecisionRecord decisionRecord(EndToEndRun run, byte[] value) {
        Map<String, Object> configs = new HashMap<>(run.properties());
        configs.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        try (ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer()) {
            deserializer.configure(configs, false);
            return (DecisionRecord) deserializer.deserialize(run.auditTopic(), value);
        }
    }

    private Path config(Map<String, Object> properties) throws Exception {
        String text = properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
        return Files.writeString(dir.resolve("app.properties"), text + "\n");
    }
}
