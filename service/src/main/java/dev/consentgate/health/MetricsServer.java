package dev.consentgate.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The service's one HTTP port: {@code GET /metrics} (Prometheus text format), {@code GET /health/live}
 * and {@code GET /health/ready}. Any other path is 404, any other method 405.
 */
public final class MetricsServer implements AutoCloseable {

    /** The Prometheus text exposition format, version 0.0.4, which {@link PrometheusMeterRegistry#scrape()} writes. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final String JSON = "application/json";
    private static final String PLAIN_TEXT = "text/plain; charset=utf-8";
    private static final Response UP = new Response(200, JSON, "{\"status\":\"UP\"}");
    private static final Response DOWN = new Response(503, JSON, "{\"status\":\"DOWN\"}");
    private static final Response NOT_FOUND = new Response(404, PLAIN_TEXT, "not found\n");
    private static final Response METHOD_NOT_ALLOWED = new Response(405, PLAIN_TEXT, "only GET is allowed\n");

    // Two threads: a slow scrape does not hold up a health probe. Daemon threads: a forgotten
    // server does not keep the JVM alive.
    private static final int THREADS = 2;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Supplier<Response>> routes;

    private MetricsServer(HttpServer server, ExecutorService executor, Map<String, Supplier<Response>> routes) {
        this.server = server;
        this.executor = executor;
        this.routes = routes;
    }

    /**
     * Binds host:port and starts serving.
     *
     * @param port      the port; 0 picks a free one, see {@link #port()}
     * @param readiness whether the service is ready, asked on every {@code /health/ready} request
     */
    public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier readiness)
            throws IOException {
        Map<String, Supplier<Response>> routes = Map.of(
                "/metrics", () -> new Response(200, PROMETHEUS_TEXT, registry.scrape()),
                "/health/live", () -> UP,
                "/health/ready", () -> readiness.getAsBoolean() ? UP : DOWN);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "consentgate-http");
            thread.setDaemon(true);
            return thread;
        });
        MetricsServer metricsServer = new MetricsServer(server, executor, routes);
        // One context for every path: contexts match by prefix, and /metrics/anything must be 404.
        server.createContext("/", metricsServer::handle);
        server.setExecutor(executor);
        server.start();
        return metricsServer;
    }

    /** The port actually bound, also when 0 was asked for. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops at once: requests in progress are cut off, which is fine for scrapes and probes. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            Supplier<Response> route = routes.get(exchange.getRequestURI().getPath());
            if (route == null) {
                send(exchange, NOT_FOUND);
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, METHOD_NOT_ALLOWED);
            } else {
                send(exchange, route.get());
            }
        } finally {
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private record Response(int status, String contentType, String body) {
    }
}
