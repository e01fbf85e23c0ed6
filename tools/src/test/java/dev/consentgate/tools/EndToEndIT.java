package dev.consentgate.tools;

import dev.consentgate.cli.ConsentGateCommand;
import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaTestSupport;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.testing.ApicurioRegistry;
import dev.consentgate.testing.KafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The service end to end with {@code run} semantics: a real KRaft broker, a real schema registry
 * (Apicurio), exactly-once, and outputs read back with read_committed consumers and compared with
 * the decisions an independent model expects.
 */
class EndToEndIT {

    private static final Pattern DECISION_SERIES = Pattern.compile(
            "consentgate_decisions_total\\{[^}]*decision=\"(\\w+)\",[^}]*purpose=\"([\\w.]+)\"[^}]*} ([0-9.E]+)");

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    private static ApicurioRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = ApicurioRegistry.shared();
    }

    @Test
    void everyPurposeTopicAuditAndDeadLetterTopicHoldExactlyTheExpectedRecordsAndTheMetricsAgree() throws Exception {
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), registry, "e2e-" + UUID.randomUUID().toString().substring(0, 8));
        EndToEndScenario scenario = new EndToEndScenario(7, 300, 3_000);
        run.produce(scenario);

        Map<String, Long> scraped;
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(Map.of()), run.policy()), "127.0.0.1", 0)) {
            run.assertOutputsMatch(scenario);
            scraped = decisionCounts(scrape(service.httpPort()));
        }

        assertThat(scraped).isEqualTo(scenario.expectedDecisionCounts());
    }

    @Test
    void eventsOfInputsWithFewerPartitionsThanTheConsentTopicAreStillDecidedOnTheirCustomersConsent() throws Exception {
        String applicationId = "e2e-uneven-" + UUID.randomUUID().toString().substring(0, 8);
        // The inputs not keyed by customer id get one partition where the consent topic has four: an event moved by
        // customer must still land on the partition of four that holds its customer's consent, not on one of one.
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(applicationId + ".crm.email-engagement", 1, (short) 1),
                    new NewTopic(applicationId + ".crm.lead-scores", 1, (short) 1))).all().get();
        }
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), registry.ccompatUrl(), applicationId, 4);
        EndToEndScenario scenario = new EndToEndScenario(17, 300, 3_000);
        run.produce(scenario);

        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(Map.of()), run.policy()), "127.0.0.1", 0)) {
            run.assertOutputsMatch(scenario);
        }

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            String moved = applicationId + "-events-by-customer-repartition";
            assertThat(admin.describeTopics(List.of(moved)).allTopicNames().get().get(moved).partitions()).hasSize(4);
        }
    }

    @Test
    void anInstanceStoppedMidStreamAndReplacedLeavesNoDuplicatesAndNoGaps() throws Exception {
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), registry, "e2e-restart-" + UUID.randomUUID().toString().substring(0, 8));
        EndToEndScenario scenario = new EndToEndScenario(11, 300, 3_000);
        run.produce(scenario);

        int auditedBeforeStop;
        try (StreamsService first = StreamsService.start(Setup.of(run.withStateDir(Map.of()), run.policy()), "127.0.0.1", 0)) {
            auditedBeforeStop = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(run.auditTopic()),
                    r -> r.size() >= 300, EndToEndRun.PROCESSING_TIMEOUT, Duration.ZERO).size();
        }
        assertThat(auditedBeforeStop).as("stopped mid-stream").isBetween(300, scenario.decidedEventIds.size() / 2);
        // A new instance with the same application.id but empty local state: it restores from the changelogs.
        try (StreamsService second = StreamsService.start(Setup.of(run.withStateDir(Map.of()), run.policy()), "127.0.0.1", 0)) {
            run.assertOutputsMatch(scenario);
        }
        // The replacement restored each chain's head from its changelog and went on from it.
        StringWriter out = new StringWriter();
        CommandLine verify = ConsentGateCommand.commandLine();
        verify.setOut(new PrintWriter(out, true));
        assertThat(verify.execute("audit", "verify", "--config", run.writeConfig(Files.createTempDirectory("e2e-verify"), Map.of()).toString()))
                .as(out.toString()).isZero();
        assertThat(out.toString()).contains(run.auditTopic() + ": intact, " + String.format("%,d", scenario.decidedEventIds.size()) + " records");
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static Map<String, Long> decisionCounts(String scrape) {
        Map<String, Long> counts = new TreeMap<>();
        Matcher matcher = DECISION_SERIES.matcher(scrape);
        while (matcher.find()) {
            counts.merge(matcher.group(2) + "/" + matcher.group(1), (long) Double.parseDouble(matcher.group(3)), Long::sum);
        }
        return counts;
    }
}
