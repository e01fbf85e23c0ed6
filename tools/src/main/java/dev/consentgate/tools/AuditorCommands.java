package dev.consentgate.tools;

import dev.consentgate.cli.CommandExtension;
import java.util.List;

/** The auditor's commands: {@code audit verify}, {@code explain}, {@code replay} and {@code subject export}. */
public final class AuditorCommands implements CommandExtension {

    @Override
    public List<Object> commands() {
        return List.of(new AuditCommand(), new ExplainCommand(), new ReplayCommand(), new SubjectCommand());
    }
}
