package dev.consentgate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What a registry's Confluent-compatible API says about a subject, asked directly over HTTP so that
 * tests check the serdes against the registry rather than against the serdes' own client.
 */
final class CcompatSubjects {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String ccompatUrl;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    CcompatSubjects(String ccompatUrl) {
        this.ccompatUrl = ccompatUrl;
    }

    /** The schema id of the subject's latest version. */
    int latestId(String subject) {
        return versionId(subject, "latest");
    }

    /** The schema id of one version of the subject, e.g. "1". */
    int versionId(String subject, String version) {
        JsonNode answer = send(HttpRequest.newBuilder(uri("/subjects/" + encode(subject) + "/versions/" + version))
                .GET());
        return answer.path("id").asInt();
    }

    /** Makes the registry refuse new versions of the subject that are not compatible at {@code level}. */
    void requireCompatibility(String subject, String level) {
        send(HttpRequest.newBuilder(uri("/config/" + encode(subject)))
                .header("Content-Type", CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\": \"" + level + "\"}")));
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Registry answered HTTP " + response.statusCode() + ": "
                        + response.body());
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create(ccompatUrl + path);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }
}
