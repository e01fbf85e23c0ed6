package dev.consentgate.deploy;

/**
 * The kube-state-metrics series the alert rules may use besides the service's own, with the labels kube-state-metrics
 * (v2.5 or later) exports them with: the CronJob series of the audit trail check (deploy/kubernetes/070-CronJob-...),
 * which runs without the service, so the service's /metrics cannot have them. A rule that names another series, or
 * another label, of kube-state-metrics fails the check until it is listed here.
 */
final class KubeStateMetrics {

    /** The series, as an exposition: one line per series with its label names (the values do not matter). */
    static final Exposition SERIES = Exposition.parse("""
            kube_cronjob_created{namespace="",cronjob=""} 0
            kube_cronjob_status_active{namespace="",cronjob=""} 0
            kube_cronjob_status_last_schedule_time{namespace="",cronjob=""} 0
            kube_cronjob_status_last_successful_time{namespace="",cronjob=""} 0
            """);

    private KubeStateMetrics() {
    }
}
