package dev.sycostream.stages.scoring;

import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;

/** A request joined with its reply, the output of the request/reply table join. */
record RequestWithReply(ModelRequest request, ModelReply reply) {
}
