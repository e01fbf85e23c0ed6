package dev.consentgate.cli;

import dev.consentgate.topics.TopicLayout;
import dev.consentgate.topics.TopicProvisioner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code consentgate run}: the service. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the enforcement service against your Kafka cluster and schema registry.",
                "Checks the broker, the registry and the topics first, then runs until SIGTERM (exit 0) or a failure (exit 1)."})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "Application properties: Kafka Streams settings, schema.registry.url, consentgate.* keys. "
                    + "Environment variables CONSENTGATE_<NAME> override them (CONSENTGATE_BOOTSTRAP_SERVERS sets bootstrap.servers).")
    Path config;

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The policy file (YAML).")
    Path policy;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of /metrics, /health/live and /health/ready (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "Address the HTTP port binds to (default: ${DEFAULT-VALUE}).")
    String httpHost;

    @Override
    public Integer call() throws Exception {
        Setup setup = Setup.load(config, policy, System.getenv());
        Preflight.requireRegistry(setup.properties());
        try (Admin admin = Admin.create(AppProperties.toProperties(setup.properties()))) {
            Preflight.requireBroker(admin, setup.properties());
            List<String> problems = new TopicProvisioner(admin).checkTopicsToRun(
                    TopicLayout.of(setup.config(), setup.policy()), setup.policy(), setup.config());
            Preflight.requireTopics(problems);
            Preflight.requireNoUndecidedEvents(admin, String.valueOf(setup.properties().get("application.id")));
        }
        StreamsService service = StreamsService.start(setup, httpHost, httpPort);
        AtomicBoolean stoppedOnItsOwn = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stoppedOnItsOwn.get()) {
                return;
            }
            service.close();
            // SIGTERM is the normal way to stop the service: a clean close ends with 0, not the JVM's 143.
            Runtime.getRuntime().halt(ExitCodes.OK);
        }, "consentgate-shutdown"));
        int exitCode = service.awaitStop();
        stoppedOnItsOwn.set(true);
        service.close();
        return exitCode;
    }
}
