package dev.consentgate.tools;

import dev.consentgate.schema.ErasureNotice;
import dev.consentgate.schema.TopicDelivery;
import java.util.List;
import java.util.Locale;

/**
 * A customer's history for a person to read (GDPR Art. 15 access): what was read, the consent statements in plain
 * words, then each event explained as {@code explain} explains it.
 */
final class SubjectExportText {

    private static final String NL = System.lineSeparator();

    private SubjectExportText() {
    }

    static String write(SubjectHistory history) {
        StringBuilder text = new StringBuilder();
        text.append("What ConsentGate holds about customer ").append(history.customerId()).append(NL);
        text.append("  in the audit topic as HMAC ").append(history.customerIdHmac()).append(" (pseudonym key ")
                .append(history.pseudonymKeyId()).append(')').append(NL);
        for (SubjectHistory.Source source : history.sources()) {
            text.append(String.format(Locale.ROOT, "  read %s partition %d, offsets %,d to %,d: %,d records%n", source.start().topic(),
                    source.start().partition(), source.start().offset(), source.toOffset(), source.recordsRead()));
        }

        List<SubjectHistory.Statement> statements = history.statements();
        text.append(NL).append(count(statements.size(), "consent statement", "consent statements")).append(", oldest first").append(NL);
        for (SubjectHistory.Statement statement : statements) {
            text.append("  ").append(DecisionExplainer.consent(statement.consent())).append(NL)
                    .append("    recorded in ").append(where(statement.position()))
                    .append(statement.reroutedFrom() == null ? "" : ", copied from " + statement.reroutedFrom()).append(NL);
        }
        for (SubjectHistory.Position position : history.unreadable()) {
            text.append("  unreadable, so never applied: the record in ").append(where(position)).append(NL);
        }

        List<SubjectHistory.Notice> notices = history.notices();
        text.append(NL).append(count(notices.size(), "erasure notice", "erasure notices"))
                .append(" sent to the systems that must delete, oldest first").append(NL);
        for (SubjectHistory.Notice recorded : notices) {
            ErasureNotice notice = recorded.notice();
            text.append("  erasure requested ").append(notice.getRequestedAt()).append(" via ").append(notice.getSource())
                    .append(", recorded in ").append(where(recorded.position())).append(NL);
            if (notice.getDeliveries().isEmpty()) {
                text.append("    no purpose topic had received the customer's data").append(NL);
            }
            for (TopicDelivery delivery : notice.getDeliveries()) {
                text.append(String.format(Locale.ROOT, "    %s had received %,d %s keyed %s, %s to %s%n", delivery.getTopic(),
                        delivery.getRecords(), delivery.getRecords() == 1 ? "record" : "records", delivery.getRecordKey(),
                        delivery.getFirstDeliveredAt(), delivery.getLastDeliveredAt()));
            }
        }

        List<SubjectHistory.Decision> decisions = history.decisions();
        text.append(NL).append(count(decisions.size(), "event", "events")).append(" decided, oldest first").append(NL);
        for (SubjectHistory.Decision decision : decisions) {
            text.append(NL).append(DecisionExplainer.explain(decision.record(), decision.position().topic(), decision.position().partition(),
                    decision.position().offset()));
        }
        return text.toString();
    }

    private static String where(SubjectHistory.Position position) {
        return position.topic() + " partition " + position.partition() + " offset " + position.offset();
    }

    private static String count(int n, String one, String many) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }
}
