/**
 * Hard caps on what a target's replay of the stored items may cost ({@code target add --max-cost-usd}): the ledger of
 * reservations and settlements ({@link dev.sycostream.budget.ReplaySpendLedger}) and the bound reserved per request
 * ({@link dev.sycostream.budget.RequestCostBound}). No Kafka here: the pipeline's stage {@code stages.budget} keeps the
 * ledgers in a store.
 */
package dev.sycostream.budget;
