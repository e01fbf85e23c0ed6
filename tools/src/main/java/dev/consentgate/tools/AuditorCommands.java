package dev.consentgate.tools;

import dev.consentgate.cli.CommandExtension;
import java.util.List;

/** The auditor's commands: {@code audit}, {@code decrypt}, {@code explain}, {@code keys}, {@code replay} and {@code subject}. */
public final class AuditorCommands implements CommandExtension {

    @Override
    public List<Object> commands() {
        return List.of(new AuditCommand(), new DecryptCommand(), new ExplainCommand(), new KeysCommand(), new ReplayCommand(),
                new SubjectCommand());
    }
}
