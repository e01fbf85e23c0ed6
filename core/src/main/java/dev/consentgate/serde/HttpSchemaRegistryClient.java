package dev.consentgate.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for Confluent's schema registry REST API. Every answer is cached, so after warm-up the
 * serde does no I/O. The base URLs are tried in order when one cannot be reached.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    /**
     * For connecting and for each request. The service asks the registry on its stream threads inside a transaction of 10 s
     * ({@link RegistryRetry}); a registry answers in milliseconds when it answers at all.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final int SUBJECT_NOT_FOUND = 40401;
    private static final int SCHEMA_NOT_FOUND = 40403;
    private static final int CONFLICT_ATTEMPTS = 2;

    private final List<String> baseUrls;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final ConcurrentMap<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    /** HTTP 409: an incompatible schema, or a registration that lost a race to an identical one. */
    private static final class Conflict extends SerializationException {

        Conflict(String message) {
            super(message);
        }
    }

    /** A client with {@link #DEFAULT_TIMEOUT} for connecting and for each request. */
    public HttpSchemaRegistryClient(List<URI> baseUrls, String basicAuthUserInfo) {
        this(baseUrls, basicAuthUserInfo, DEFAULT_TIMEOUT);
    }

    /**
     * @param baseUrls          registry URLs without credentials, tried in order
     * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, or null for none
     * @param timeout           limit for connecting and for each request
     */
    public HttpSchemaRegistryClient(List<URI> baseUrls, String basicAuthUserInfo, Duration timeout) {
        this(baseUrls, basicAuthUserInfo, timeout, null);
    }

    /**
     * @param baseUrls          registry URLs without credentials, tried in order
     * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, or null for none
     * @param timeout           limit for connecting and for each request
     * @param tls               the TLS context for {@code https://} URLs, or null for the Java runtime's default
     */
    public HttpSchemaRegistryClient(List<URI> baseUrls, String basicAuthUserInfo, Duration timeout, SSLContext tls) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one schema registry URL is needed");
        }
        // URLs appear in exception messages, so they must not carry credentials.
        if (baseUrls.stream().anyMatch(url -> url.getRawUserInfo() != null)) {
            throw new IllegalArgumentException(
                    "schema registry URLs must not carry credentials; pass them as basicAuthUserInfo");
        }
        this.baseUrls = baseUrls.stream().map(url -> url.toString().replaceAll("/+$", "")).toList();
        this.authorization = basicAuthUserInfo == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString(basicAuthUserInfo.getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public int register(String subject, Schema schema) {
        return cachedId(subject, schema, () -> registerOrFindRaced(subject, schema));
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return cachedId(subject, schema, () -> lookupUncached(subject, schema));
    }

    /**
     * Registers, telling a lost race from a refusal. Instances meeting a new schema at once all register it, and
     * Apicurio answers those that lose the race HTTP 409 "already exists", the status an incompatible schema gets too.
     * After a lost race the schema is there, so it is looked up; after a refusal it is not. One more registration
     * covers a winner whose registration was not yet visible: a second conflict with nothing found is a refusal.
     */
    private int registerOrFindRaced(String subject, Schema schema) {
        String what = "registering " + schema.getFullName() + " under subject '" + subject + "'";
        for (int attempt = 1; ; attempt++) {
            try {
                return idOf(call("/subjects/" + encode(subject) + "/versions", schemaBody(schema), what), what);
            } catch (Conflict conflict) {
                try {
                    return lookupUncached(subject, schema);
                } catch (SchemaNotFoundException notThere) {
                    if (attempt == CONFLICT_ATTEMPTS) {
                        throw new SerializationException(conflict.getMessage());
                    }
                    LOG.debug("Schema registry conflict when {} with the schema not found; registering again", what);
                }
            }
        }
    }

    private int lookupUncached(String subject, Schema schema) {
        String what = "looking up " + schema.getFullName() + " under subject '" + subject + "'";
        return idOf(call("/subjects/" + encode(subject), schemaBody(schema), what), what);
    }

    @Override
    public void checkAccess() {
        call("/subjects", null, "listing subjects");
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        String what = "fetching schema id " + id;
        JsonNode body = call("/schemas/ids/" + id, null, what);
        String schemaType = body.path("schemaType").asText("AVRO");
        if (!schemaType.equals("AVRO")) {
            throw new SerializationException("Schema id " + id + " is a " + schemaType
                    + " schema, not Avro");
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(body.path("schema").asText());
        } catch (SchemaParseException e) {
            throw new SerializationException("Schema registry returned an unparseable schema for "
                    + what + ": " + e.getMessage());
        }
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced == null ? schema : raced;
    }

    /**
     * Looks in the cache before asking the registry. Not computeIfAbsent: that would hold a map lock
     * during the HTTP call; two threads asking at once both get the same idempotent answer.
     */
    private int cachedId(String subject, Schema schema, IntSupplier ask) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        int id = ask.getAsInt();
        idsBySubjectSchema.putIfAbsent(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    private int idOf(JsonNode body, String what) {
        JsonNode id = body.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SerializationException("Schema registry answer has no schema id when " + what);
        }
        return id.intValue();
    }

    /** A request body asking about {@code schema}: {"schema": "<schema json>"}. */
    private String schemaBody(Schema schema) {
        try {
            return json.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (JsonProcessingException e) {
            throw new SerializationException("Cannot write registry request for " + schema.getFullName(), e);
        }
    }

    /** Sends to each base URL in turn until one answers; a null body means GET. */
    private JsonNode call(String path, String body, String what) {
        IOException lastFailure = null;
        for (String baseUrl : baseUrls) {
            HttpResponse<String> response;
            try {
                response = http.send(request(baseUrl + path, body),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                LOG.warn("Schema registry {} failed when {}: {}", baseUrl, what, e.toString());
                lastFailure = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
            return answer(response, baseUrl, what);
        }
        throw new SchemaRegistryUnavailableException("No schema registry reachable at " + baseUrls
                + " when " + what, lastFailure);
    }

    private HttpRequest request(String url, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (body == null) {
            return builder.GET().build();
        }
        return builder.header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    private JsonNode answer(HttpResponse<String> response, String baseUrl, String what) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return parse(response.body(), baseUrl, what);
        }
        // Timeouts, throttling and server errors pass; the record being processed is fine.
        if (status >= 500 || status == 408 || status == 429) {
            throw new SchemaRegistryUnavailableException("Schema registry " + baseUrl
                    + " answered HTTP " + status + " when " + what);
        }
        JsonNode error = parseError(response.body());
        int errorCode = error.path("error_code").asInt(status);
        String detail = "HTTP " + status + ", error_code " + errorCode + ": "
                + error.path("message").asText("no message");
        if (errorCode == SUBJECT_NOT_FOUND || errorCode == SCHEMA_NOT_FOUND || status == 404) {
            throw new SchemaNotFoundException("Schema registry " + baseUrl + " found nothing when "
                    + what + " (" + detail + ")");
        }
        if (status == 409) {
            throw new Conflict("Schema registry " + baseUrl + " refused " + what + " (" + detail + ")");
        }
        throw new SerializationException("Schema registry " + baseUrl + " refused " + what + " ("
                + detail + ")");
    }

    private JsonNode parse(String body, String baseUrl, String what) {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SerializationException("Schema registry " + baseUrl
                    + " sent an unreadable answer when " + what);
        }
    }

    /** The error body, or an empty node when a proxy in between sent something that is not JSON. */
    private JsonNode parseError(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null ? json.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            return json.createObjectNode();
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
