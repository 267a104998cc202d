-- A Flyway callback that fails after each migration (CacheUpgradeTest): the migration's DDL has run and, H2
-- committing every DDL statement, stays; the upgrade must restore the copy made before it.
SELECT no_such_column FROM no_such_table;
