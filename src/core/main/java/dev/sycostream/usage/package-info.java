/** Tokens and money: target prices and the exact cost of a reply's usage. */
package dev.sycostream.usage;
