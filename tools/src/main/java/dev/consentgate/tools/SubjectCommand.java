package dev.consentgate.tools;

import picocli.CommandLine.Command;

/** {@code consentgate subject}: a data subject's rights (GDPR Art. 15 access, Art. 20 portability). */
@Command(name = "subject", description = "Answer a data subject's request.", mixinStandardHelpOptions = true,
        subcommands = {SubjectExportCommand.class})
final class SubjectCommand {
}
