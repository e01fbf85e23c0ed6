package dev.consentgate.cli;

import dev.consentgate.topics.TopicLayout;
import dev.consentgate.topics.TopicProvisioner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code consentgate topics create}: checks the topics ConsentGate reads, creates the ones it writes. */
@Command(name = "topics", description = "Work with ConsentGate's topics.", mixinStandardHelpOptions = true,
        subcommands = TopicsCommand.Create.class)
final class TopicsCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Check the topics ConsentGate reads (they exist; the consent topic and the inputs keyed by customer id "
                    + "have the same number of partitions) and create the ones it writes (purpose topics, audit, dead-letter) "
                    + "with as many partitions as the consent topic. Idempotent: existing topics are left as they are."})
    static final class Create implements Callable<Integer> {

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "Application properties (Kafka, registry, consentgate.* keys).")
        Path config;

        @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The policy file (YAML).")
        Path policy;

        @Option(names = "--replication-factor", paramLabel = "N", description = "Replication factor of created topics (default: the broker's default.replication.factor).")
        Short replicationFactor;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Setup setup = Setup.load(config, policy, System.getenv());
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = Admin.create(AppProperties.toProperties(setup.properties()))) {
                Preflight.requireBroker(admin, setup.properties());
                TopicProvisioner provisioner = new TopicProvisioner(admin);
                TopicLayout layout = TopicLayout.of(setup.config(), setup.policy());
                List<String> problems = provisioner.checkReadTopics(layout, setup.policy(), setup.config());
                Preflight.requireTopics(problems);
                TopicProvisioner.Report report = provisioner.createWrittenTopics(layout, setup.config().consentTopic(),
                        Optional.ofNullable(replicationFactor));
                report.created().forEach(t -> out.println("created " + t));
                report.existing().forEach(t -> out.println("exists  " + t));
                layout.readTopics().forEach(t -> out.println("checked " + t));
                return ExitCodes.OK;
            }
        }
    }
}
