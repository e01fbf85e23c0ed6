package dev.consentgate.health;

import dev.consentgate.metrics.EnforcementMetrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private MetricsServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = MetricsServer.start("127.0.0.1", 0, registry, ready::get);
    }

    @AfterEach
    void stopServer() {
        server.close();
        registry.close();
    }

    @Test
    void portZeroBindsAnEphemeralPort() {
        assertThat(server.port()).isPositive();
    }

    @Test
    void metricsServesThePrometheusTextFormat() throws Exception {
        new EnforcementMetrics(registry).deadLetter("TRUNCATED");

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body().lines()).contains("consentgate_dlq_records_total{reason=\"TRUNCATED\"} 1.0");
    }

    @Test
    void liveIsUpWhileTheServerRuns() throws Exception {
        HttpResponse<String> response = get("/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void readyIsDownUntilTheReadinessSupplierSaysReady() throws Exception {
        HttpResponse<String> before = get("/health/ready");
        ready.set(true);
        HttpResponse<String> after = get("/health/ready");

        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.body()).isEqualTo("{\"status\":\"DOWN\"}");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/health").statusCode()).isEqualTo(404);
        assertThat(get("/metrics/extra").statusCode()).isEqualTo(404);
    }

    @Test
    void methodsOtherThanGetAreNotAllowed() throws Exception {
        HttpResponse<String> post = send(request("/metrics").POST(HttpRequest.BodyPublishers.ofString("x")));
        HttpResponse<String> delete = send(request("/health/live").DELETE());

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        assertThat(delete.statusCode()).isEqualTo(405);
    }

    @Test
    void closeStopsServingWithinOneSecond() {
        long start = System.nanoTime();
        server.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofSeconds(1));
        assertThatThrownBy(() -> get("/health/live")).isInstanceOf(ConnectException.class);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(5));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
