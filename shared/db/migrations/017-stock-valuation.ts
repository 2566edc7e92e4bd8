// Stock at cost on the read side (docs/ledger.md, "Inventory at cost"): each movement's value, reason,
// purchase order and actor in the published movement view, so the query function (which reads views,
// not inventory's tables) can list them and value stock at any instant as the sum of the movements.
export const sql = `
-- Republished with the new columns at the END: create or replace view may only append columns.
create or replace view inventory.movement_view as
  select id, sku, kind, on_hand_delta, reserved_delta, order_id, note, at, value_delta, reason, purchase_order_id, actor
  from inventory.stock_movements;
`;
