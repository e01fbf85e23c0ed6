package dev.consentgate.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * Just enough of Confluent's schema registry REST API, on 127.0.0.1 and a free port, recording every
 * request it receives.
 */
final class ConfluentRegistryStub implements AutoCloseable {

    record Request(String method, String path, String authorization, String contentType, String body) {
    }

    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LOOKUP = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Set<Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final AtomicInteger lastId = new AtomicInteger();
    private volatile int failureStatus;
    private volatile String failureBody = "";
    private volatile Duration delay = Duration.ZERO;
    private final AtomicInteger conflicts = new AtomicInteger();
    private volatile String conflictBody = "";
    private volatile boolean registeredByWinner;

    private ConfluentRegistryStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    static ConfluentRegistryStub start() throws IOException {
        return new ConfluentRegistryStub();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Answers every request from now on with {@code status} and {@code body}. */
    void failWith(int status, String body) {
        failureBody = body;
        failureStatus = status;
    }

    /**
     * Answers the next {@code count} registrations with HTTP 409 and {@code body}. With {@code registeredByWinner}, the
     * schema is registered first, as by a client that won a race to register it; without, nothing is registered, as for
     * an incompatible schema or a winner whose registration is not visible yet.
     */
    void conflictOnRegistrations(int count, String body, boolean registeredByWinner) {
        this.conflictBody = body;
        this.registeredByWinner = registeredByWinner;
        conflicts.set(count);
    }

    /** Waits this long before answering each request. */
    void delayAnswers(Duration delay) {
        this.delay = delay;
    }

    /** Registers directly, without a recorded request. */
    int register(String subject, Schema schema) {
        int id = idsBySchema.computeIfAbsent(schema.toString(), text -> {
            int next = lastId.incrementAndGet();
            schemasById.put(next, text);
            return next;
        });
        idsBySubject.computeIfAbsent(subject, s -> ConcurrentHashMap.newKeySet()).add(id);
        return id;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            requests.add(new Request(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            sleep();
            if (failureStatus != 0) {
                respond(exchange, failureStatus, failureBody);
            } else {
                route(exchange, exchange.getRequestMethod(), path, body);
            }
        }
    }

    private void route(HttpExchange exchange, String method, String path, String body) throws IOException {
        Matcher register = REGISTER.matcher(path);
        Matcher lookup = LOOKUP.matcher(path);
        Matcher byId = BY_ID.matcher(path);
        if (method.equals("POST") && register.matches() && conflicts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            if (registeredByWinner) {
                register(decode(register.group(1)), schemaIn(body));
            }
            respond(exchange, 409, conflictBody);
        } else if (method.equals("POST") && register.matches()) {
            int id = register(decode(register.group(1)), schemaIn(body));
            respond(exchange, 200, "{\"id\":" + id + "}");
        } else if (method.equals("POST") && lookup.matches()) {
            String subject = decode(lookup.group(1));
            Integer id = idsBySchema.get(schemaIn(body).toString());
            if (id == null || !idsBySubject.getOrDefault(subject, Set.of()).contains(id)) {
                respond(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
            } else {
                respond(exchange, 200, json.writeValueAsString(Map.of("subject", subject, "id", id,
                        "version", 1, "schema", schemasById.get(id))));
            }
        } else if (method.equals("GET") && byId.matches() && schemasById.containsKey(
                Integer.valueOf(byId.group(1)))) {
            respond(exchange, 200, json.writeValueAsString(
                    Map.of("schema", schemasById.get(Integer.valueOf(byId.group(1))))));
        } else {
            respond(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        }
    }

    private Schema schemaIn(String body) throws IOException {
        return new Schema.Parser().parse(json.readTree(body).get("schema").asText());
    }

    private void sleep() {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
