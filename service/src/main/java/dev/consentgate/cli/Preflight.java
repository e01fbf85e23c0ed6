package dev.consentgate.cli;

import dev.consentgate.serde.AvroSerdeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/**
 * The checks before {@code run} starts Kafka Streams, so that a wrong address or a missing topic
 * ends the start with one clear line instead of a retry loop in the logs.
 */
public final class Preflight {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private Preflight() {
    }

    public static void requireBroker(Admin admin, Map<String, Object> properties) {
        try {
            admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new CommandFailure(ExitCodes.UNREACHABLE, "cannot reach Kafka at bootstrap.servers="
                    + properties.get("bootstrap.servers") + " within " + TIMEOUT.toSeconds() + " s: " + rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(ExitCodes.UNREACHABLE, "interrupted while reaching Kafka");
        }
    }

    public static void requireTopics(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new CommandFailure(ExitCodes.TOPIC_PROBLEM, String.join("; ", problems)
                    + " (consentgate topics create checks and creates topics)");
        }
    }

    /** Asks the first registry URL for its subjects; an in-memory ({@code mock://}) registry needs no check. */
    public static void requireRegistry(Map<String, Object> properties) {
        Object urls = properties.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        if (urls == null) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, AvroSerdeConfig.SCHEMA_REGISTRY_URL + " is not set");
        }
        String first = urls.toString().split(",")[0].trim();
        if (first.startsWith("mock://")) {
            return;
        }
        URI uri;
        try {
            uri = URI.create(first.replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, AvroSerdeConfig.SCHEMA_REGISTRY_URL + " is not a URL");
        }
        // Never print credentials someone may have put in the URL.
        String shown = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getPath();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(uri + "/subjects")).timeout(TIMEOUT).GET().build();
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            // 401/403 still prove the registry is there; the serde reports credentials problems itself.
            if (status >= 500) {
                throw new CommandFailure(ExitCodes.UNREACHABLE, "schema registry at " + shown + " answered HTTP " + status);
            }
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.UNREACHABLE, "cannot reach the schema registry at " + shown + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(ExitCodes.UNREACHABLE, "interrupted while reaching the schema registry");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
