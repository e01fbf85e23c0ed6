package dev.consentgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real service, in process, that has decided a small scenario's events (decisions, redactions, dead letters), and
 * what its {@code GET /metrics} then answers.
 */
final class ServiceScrape {

    private ServiceScrape() {
    }

    /** Starts a service against the broker, lets it decide a scenario, and returns its scrape. */
    static String afterScenario(String bootstrapServers) throws Exception {
        String id = "obs-" + UUID.randomUUID().toString().substring(0, 8);
        EndToEndRun run = new EndToEndRun(bootstrapServers, "mock://" + id, id);
        // 500 events: two of them are poisoned (dead letters), the rest declare every purpose the example policy has.
        EndToEndScenario scenario = new EndToEndScenario(5, 40, 500);
        run.produce(scenario);
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(Map.of()), run.policy()), "127.0.0.1", 0)) {
            KafkaTestSupport.readCommitted(bootstrapServers, List.of(run.auditTopic()),
                    records -> records.size() >= scenario.decidedEventIds.size(), EndToEndRun.PROCESSING_TIMEOUT, Duration.ZERO);
            return get(service.httpPort());
        }
    }

    private static String get(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
