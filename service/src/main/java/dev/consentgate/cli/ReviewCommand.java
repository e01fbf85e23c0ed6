package dev.consentgate.cli;

import dev.consentgate.enforce.ReviewId;
import dev.consentgate.schema.ReviewAction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code consentgate review list|approve|reject}: a reviewer's view of the records held for purposes with
 * {@code review: required}, and their decisions on them. Runs as the reviewer's Kafka user: it reads the review topic and
 * writes the review-decision topic, nothing else.
 */
@Command(name = "review", description = "Act on records held for review (purposes with review: required).", mixinStandardHelpOptions = true,
        subcommands = {ReviewCommand.ListHeld.class, ReviewCommand.Approve.class, ReviewCommand.Reject.class})
final class ReviewCommand {

    /** The configuration every review command reads. */
    static final class ConfigOption {
        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "Properties of the reviewer's Kafka user and the registry; consentgate.review.* name the topics.")
        Path config;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the held records no decision has been written for yet: review id, purpose, event id, the decision "
                    + "the record would have had, when it was held, and the record as its purpose would see it."})
    static final class ListHeld implements Callable<Integer> {

        @Mixin
        ConfigOption options;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Setup setup = Setup.withoutPolicy(options.config, System.getenv());
            PrintWriter out = spec.commandLine().getOut();
            List<HeldForReview> pending = new ReviewTopics(setup).pending();
            pending.forEach(held -> out.println(held.line()));
            out.println(pending.size() + " held record(s) waiting for a decision");
            return ExitCodes.OK;
        }
    }

    /** What approve and reject share: who decides, why, on which held record. */
    abstract static class Decide implements Callable<Integer> {

        @Mixin
        ConfigOption options;

        @Option(names = "--reviewer", required = true, paramLabel = "ID", description = "Your reviewer id, recorded in the audit record.")
        String reviewer;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, recorded in the audit record.")
        String reason;

        @Parameters(paramLabel = "REVIEW_ID", description = "The held record's review id (header consent-review-id; `review list` shows it).")
        String reviewId;

        @Spec
        CommandSpec spec;

        abstract ReviewAction action();

        @Override
        public Integer call() {
            ReviewId id = ReviewId.parse(reviewId).orElseThrow(() -> new CommandFailure(ExitCodes.INVALID_INPUT, "not a review id: "
                    + reviewId + " (expected <partition>-<sequence>-<purpose>, as `consentgate review list` shows it)"));
            if (reviewer.isBlank() || reason.isBlank()) {
                throw new CommandFailure(ExitCodes.INVALID_INPUT, "--reviewer and --reason must not be blank: both go into the audit record");
            }
            Setup setup = Setup.withoutPolicy(options.config, System.getenv());
            new ReviewTopics(setup).decide(id, action(), reviewer, reason);
            spec.commandLine().getOut().println((action() == ReviewAction.APPROVE ? "approved " : "rejected ") + id
                    + ": the service decides it when it reads the decision; the audit record tells the outcome");
            return ExitCodes.OK;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = {"Approve a held record: the service decides it again under the consent of that time and forwards it to "
                    + "its purpose topic only if it is still permitted."})
    static final class Approve extends Decide {
        @Override
        ReviewAction action() {
            return ReviewAction.APPROVE;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = {"Reject a held record: it is dropped."})
    static final class Reject extends Decide {
        @Override
        ReviewAction action() {
            return ReviewAction.REJECT;
        }
    }
}
