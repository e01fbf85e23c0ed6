package dev.consentgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.audit.ChainVerifier.Kind;
import dev.consentgate.audit.ChainVerifier.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {

    private record Link(long sequence, byte[] value) {
    }

    /** A sealed chain of {@code n} records, sequences 0 to n-1. */
    private static List<Link> chain(int n) {
        List<Link> links = new ArrayList<>();
        byte[] previous = ChainHash.zeros();
        for (int i = 0; i < n; i++) {
            byte[] value = ChainHashTest.value(previous, "decision " + i);
            previous = ChainHash.seal(value);
            links.add(new Link(i, value));
        }
        return links;
    }

    /** Verifies the records as stored at offsets 100, 101, ... of partition 3. */
    private static ChainVerifier.Summary verify(List<Link> links, boolean fromStart) {
        ChainVerifier verifier = new ChainVerifier(3, fromStart);
        for (int i = 0; i < links.size(); i++) {
            verifier.accept(100 + i, links.get(i).sequence(), links.get(i).value());
        }
        return verifier.finish();
    }

    @Test
    void anIntactChainHasNoProblemAndReportsItsHead() {
        List<Link> links = chain(5);

        ChainVerifier.Summary summary = verify(links, true);

        assertThat(summary.problems()).isEmpty();
        assertThat(summary.records()).isEqualTo(5);
        assertThat(summary.firstSequence()).isZero();
        assertThat(summary.lastSequence()).isEqualTo(4);
        assertThat(summary.headHash()).isEqualTo(ChainHash.hex(ChainHash.storedHash(links.get(4).value())));
    }

    @Test
    void anAlteredRecordIsLocated() {
        List<Link> links = chain(5);
        links.get(2).value()[7] ^= 1;

        assertThat(verify(links, true).problems())
                .containsExactly(new Problem(Kind.ALTERED, 3, 102, "sequence 2: the record's content does not match its hash"));
    }

    @Test
    void aRecordReplacedWithARecomputedHashIsLocatedByTheRecordAfterIt() {
        List<Link> links = chain(5);
        byte[] forged = ChainHashTest.value(ChainHash.previousHash(links.get(2).value()), "decision X");
        ChainHash.seal(forged);
        links.set(2, new Link(2, forged));

        assertThat(verify(links, true).problems()).containsExactly(
                new Problem(Kind.ALTERED, 3, 102, "sequence 2: the record was replaced; the next record names another hash"));
    }

    @Test
    void aDeletedRecordIsReportedMissingWhereTheGapShows() {
        List<Link> links = chain(5);
        links.remove(2);

        assertThat(verify(links, true).problems())
                .containsExactly(new Problem(Kind.MISSING, 3, 102, "sequence 2 is missing before this record"));
    }

    @Test
    void swappedRecordsAreReportedReorderedOnce() {
        List<Link> links = chain(6);
        Collections.swap(links, 2, 3);

        assertThat(verify(links, true).problems())
                .containsExactly(new Problem(Kind.REORDERED, 3, 102, "sequence 2 was expected here but stands at offset 103"));
    }

    @Test
    void aSecondChainOverThePartitionIsReportedRepeated() {
        List<Link> links = chain(3);
        links.addAll(chain(2));

        assertThat(verify(links, true).problems()).containsExactly(
                new Problem(Kind.REPEATED, 3, 103, "sequence 0 comes again after sequence 2"),
                new Problem(Kind.REPEATED, 3, 104, "sequence 1 comes again after sequence 2"));
    }

    @Test
    void aRangeFromTheMiddleTakesItsFirstLinkOnTrustButTheStartOfAPartitionMustStartTheChain() {
        List<Link> tail = chain(6).subList(3, 6);

        assertThat(verify(tail, false).problems()).isEmpty();
        assertThat(verify(tail, true).problems()).containsExactly(new Problem(Kind.NO_START, 3, 100,
                "the partition's first chained record has sequence 3, not 0 with a zero previous hash"));
    }
}
