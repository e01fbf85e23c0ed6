package dev.consentgate.cli;

import dev.consentgate.serde.AvroSerdeConfig;
import dev.consentgate.serde.SchemaRegistryClient;
import dev.consentgate.serde.SchemaRegistryClients;
import dev.consentgate.serde.SchemaRegistryUnavailableException;
import dev.consentgate.topics.EarlierRepartitionTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The checks before {@code run} starts Kafka Streams, so that a wrong address or a missing topic
 * ends the start with one clear line instead of a retry loop in the logs.
 */
public final class Preflight {

    /**
     * One request at start, outside any transaction: the list of subjects of a large registry may take longer than the
     * serde's per-request limit ({@link dev.consentgate.serde.HttpSchemaRegistryClient#DEFAULT_TIMEOUT}).
     */
    private static final Duration REGISTRY_CHECK_TIMEOUT = Duration.ofSeconds(10);

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

    /**
     * Stops the start while an earlier build still reads its per-input repartition topics, or they hold events it has not
     * decided ({@link EarlierRepartitionTopics}); also when that cannot be checked, since it would then be a guess.
     */
    public static void requireNoUndecidedEvents(Admin admin, String applicationId) {
        List<String> problems;
        try {
            problems = new EarlierRepartitionTopics(admin).problemsBeforeStart(applicationId);
        } catch (ExecutionException | TimeoutException e) {
            throw new CommandFailure(ExitCodes.TOPIC_PROBLEM, "cannot check the repartition topics of an earlier ConsentGate build: "
                    + rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(ExitCodes.TOPIC_PROBLEM, "interrupted while checking the repartition topics of an earlier build");
        }
        if (!problems.isEmpty()) {
            throw new CommandFailure(ExitCodes.TOPIC_PROBLEM, String.join("; ", problems));
        }
    }

    /**
     * Asks the registry for its subjects as the serde will: the same URLs, TLS settings and credentials. An in-memory
     * ({@code mock://}) registry needs no check.
     */
    public static void requireRegistry(Map<String, Object> properties) {
        SchemaRegistryClient client;
        try {
            client = SchemaRegistryClients.fromConfig(properties, REGISTRY_CHECK_TIMEOUT);
        } catch (ConfigException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, e.getMessage());
        }
        // The URLs carry no credentials: SchemaRegistryClients refuses those.
        String shown = String.valueOf(properties.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL));
        try {
            client.checkAccess();
        } catch (SchemaRegistryUnavailableException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String hint = cause instanceof SSLException ? " (does " + AvroSerdeConfig.TRUSTSTORE_LOCATION
                    + " hold the registry's certificate or its issuer?)" : "";
            throw new CommandFailure(ExitCodes.UNREACHABLE, "cannot reach the schema registry at " + shown + ": "
                    + cause.getClass().getSimpleName() + hint);
        } catch (SerializationException e) {
            throw new CommandFailure(ExitCodes.UNREACHABLE, e.getMessage() + " (check " + AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE
                    + " and " + AvroSerdeConfig.BASIC_AUTH_USER_INFO + ")");
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
