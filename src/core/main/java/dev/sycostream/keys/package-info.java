/**
 * Composite keys ("target|task|metric|window", "base|candidate|task|metric", ...): one codec,
 * {@link dev.sycostream.keys.CompositeKey}, and small typed keys built on it. Their text is the store and record key
 * format of running applications, so it never changes. This package depends on no other sycostream package.
 */
package dev.sycostream.keys;
