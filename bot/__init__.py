"""linli (邻里): a chat front desk for a district's public culture & sports services."""
