package dev.consentgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code consentgate} command line. */
@Command(name = "consentgate", mixinStandardHelpOptions = true, versionProvider = ConsentGateCommand.Version.class,
        description = "Consent and purpose enforcement for CRM event streams on Kafka.",
        subcommands = {RunCommand.class, DemoCommand.class, PolicyCommand.class, TopicsCommand.class, AuditCommand.class,
                ExplainCommand.class, ReplayCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success; for run, a clean shutdown on SIGTERM",
            "1:Kafka Streams stopped on an error while running",
            "2:bad command line, configuration or policy",
            "3:Kafka or the schema registry cannot be reached at start",
            "4:a topic ConsentGate reads is missing or has the wrong partition count",
            "5:an audit check found a difference (broken chain, replayed decisions that differ)"})
public final class ConsentGateCommand {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("demo")) {
            // The demo runs a broker in this process: its start-up chatter and transient retries are not the user's concern.
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
            System.setProperty("org.slf4j.simpleLogger.log.kafka", "off");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with ConsentGate's error handling: a {@link CommandFailure} is one line on stderr, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ConsentGateCommand());
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            if (exception instanceof CommandFailure failure) {
                cmd.getErr().println("consentgate: " + failure.getMessage());
                return failure.exitCode();
            }
            cmd.getErr().println("consentgate: " + exception);
            return ExitCodes.RUNTIME_FAILURE;
        });
        return commandLine;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ConsentGateCommand.class.getPackage().getImplementationVersion();
            return new String[] {"consentgate " + (version == null ? "(development build)" : version)};
        }
    }
}
