-- The homes count a workspace's active partners, and the partners list
-- may be narrowed by status (PartnerStore.List): with no index on the
-- status, the count read partners one by one through partners_created
-- until it had found its cap of active ones, or every partner (a few
-- milliseconds each home with 100,000 partners, issue 16). This index
-- answers the count from its entries alone and the page in name order.
CREATE INDEX partners_status ON partners (workspace_id, status, legal_name, id);
