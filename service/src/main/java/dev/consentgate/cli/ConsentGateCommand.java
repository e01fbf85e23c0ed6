package dev.consentgate.cli;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code consentgate} command line. */
@Command(name = "consentgate", mixinStandardHelpOptions = true, versionProvider = ConsentGateCommand.Version.class,
        description = "Consent and purpose enforcement for CRM event streams on Kafka.",
        subcommands = {RunCommand.class, PolicyCommand.class, TopicsCommand.class, ReviewCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success; for run, a clean shutdown on SIGTERM",
            "1:Kafka Streams stopped on an error while running",
            "2:bad command line, configuration or policy",
            "3:Kafka or the schema registry cannot be reached at start",
            "4:a topic ConsentGate reads is missing or has the wrong partition count",
            "5:an audit check found a difference (broken chain, replayed decisions that differ)"})
public final class ConsentGateCommand {

    /** Commands that only the auditor's or the demo's jar carries, and the jar to run them from. */
    private static final Map<String, String> ELSEWHERE = Map.of(
            "audit", "consentgate-tools.jar", "decrypt", "consentgate-tools.jar", "explain", "consentgate-tools.jar",
            "keys", "consentgate-tools.jar", "replay", "consentgate-tools.jar", "subject", "consentgate-tools.jar",
            "demo", "consentgate-demo.jar");

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Runs the command line with {@code args}, writing to {@code out} and {@code err}, and returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = commandLine();
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(args);
    }

    /** The command line with ConsentGate's error handling: a {@link CommandFailure} is one line on stderr, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ConsentGateCommand());
        // In class-name order, so the usage lists commands alike whatever order the class path gives the jars.
        ServiceLoader.load(CommandExtension.class).stream()
                .sorted(Comparator.comparing(provider -> provider.type().getName()))
                .forEach(provider -> provider.get().commands().forEach(commandLine::addSubcommand));
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            if (exception instanceof CommandFailure failure) {
                cmd.getErr().println("consentgate: " + failure.getMessage());
                return failure.exitCode();
            }
            cmd.getErr().println("consentgate: " + exception);
            return ExitCodes.RUNTIME_FAILURE;
        });
        IParameterExceptionHandler picocliHandler = commandLine.getParameterExceptionHandler();
        commandLine.setParameterExceptionHandler((exception, args) -> {
            if (exception instanceof UnmatchedArgumentException unmatched && unknownCommand(unmatched) != null) {
                return reportUnknownCommand(unmatched);
            }
            return picocliHandler.handleParseException(exception, args);
        });
        commandLine.setExecutionStrategy(parseResult -> {
            // With --help, picocli prints the usage and exits 0 even when arguments were left unmatched (an unknown
            // command such as `consentgate subject export --help`): they are the same error as without --help.
            for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
                if (!level.unmatched().isEmpty()) {
                    throw new UnmatchedArgumentException(level.commandSpec().commandLine(), level.unmatched());
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine;
    }

    /**
     * The unknown command among the arguments left unmatched, or null: the first that is not an option, after a
     * command that has subcommands (a command without them has no commands to get wrong).
     */
    private static String unknownCommand(UnmatchedArgumentException exception) {
        if (exception.getCommandLine().getSubcommands().isEmpty()) {
            return null;
        }
        List<String> unmatched = exception.getUnmatched();
        return unmatched.stream().filter(argument -> !argument.startsWith("-")).findFirst().orElse(null);
    }

    /** One line naming the unknown command and the command it was given to, picocli's suggestions, and that command's usage. */
    private static int reportUnknownCommand(UnmatchedArgumentException exception) {
        CommandLine known = exception.getCommandLine();
        PrintWriter err = known.getErr();
        String command = unknownCommand(exception);
        err.println("consentgate: unknown command '" + command + "' for '" + known.getCommandSpec().qualifiedName() + "'"
                + (known.getParent() == null && ELSEWHERE.containsKey(command) ? "; it is in " + ELSEWHERE.get(command) : ""));
        UnmatchedArgumentException.printSuggestions(exception, err);
        known.usage(err, known.getColorScheme());
        return ExitCodes.INVALID_INPUT;
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
