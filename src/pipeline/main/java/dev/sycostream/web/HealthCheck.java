package dev.sycostream.web;

/**
 * What {@code /health/live} and {@code /health/ready} answer: 200 with the detail when ok, 503 otherwise. Live says
 * the process is worth keeping (an orchestrator restarts it when not); ready says it should get traffic and count
 * towards an available replica (a pipeline whose stream threads died is alive as a JVM but not ready).
 */
public interface HealthCheck {
    /** One probe's verdict and a line saying why. */
    record Status(boolean ok, String detail) {
        public static Status ok(String detail) {
            return new Status(true, detail);
        }

        public static Status failing(String detail) {
            return new Status(false, detail);
        }
    }

    Status live();

    Status ready();
}
