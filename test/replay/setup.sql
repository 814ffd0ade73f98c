-- test/replay/setup.sql: the event triggers of "make test-replay".
--
-- Installed into the database PostgreSQL's regression scripts are replayed
-- into.  For every DROP, ALTER TABLE / FOREIGN TABLE / VIEW / TYPE and ALTER
-- DOMAIN statement:
--   * ddl_command_start: ri_audit.drop_preview(current_query()) inside its
--     own exception block; the rows, or the error's SQLSTATE and message;
--   * sql_drop: pg_event_trigger_dropped_objects();
--   * ddl_command_end: the statement completed, and which previewed objects
--     still exist afterwards (the event trigger does not report objects in
--     another session's temporary schemas, which includes the toast table
--     and toast index of this session's temporary tables).
-- Each record is one "ri_replay {json}" line in the server log (RAISE LOG),
-- not a table row: the log survives the ROLLBACK and the role changes of
-- the scripts, and needs no privilege.  tools/replay_report.pl reads it.
--
-- The functions set no search_path, so that the preview resolves names as
-- the statement does; every name they use themselves is qualified.  The
-- statement's record key, the previewed rows and the "tracked" flag travel
-- from one event to the next in session-level placeholder settings (DROP
-- INDEX CONCURRENTLY commits in the middle; every DDL statement resets them).

CREATE EXTENSION ri_audit;
CREATE SCHEMA ri_replay;
-- The triggers run as whatever role the script has switched to.
GRANT USAGE ON SCHEMA ri_replay TO PUBLIC;

CREATE FUNCTION ri_replay.on_start() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE
	q text := pg_catalog.current_query();
	k text;
	first_words text;
	ts text;
	nested boolean;
	rows_json text;
	st text;
	msg text;
BEGIN
	k := pg_catalog.pg_backend_pid()::text || '.'
		|| pg_catalog.to_char(pg_catalog.clock_timestamp(), 'YYYYMMDDHH24MISSUS');
	PERFORM pg_catalog.set_config('ri_replay.key', k, false);
	PERFORM pg_catalog.set_config('ri_replay.preview', '', false);
	PERFORM pg_catalog.set_config('ri_replay.tracked', '', false);
	IF NOT (tg_tag LIKE 'DROP %' OR tg_tag IN ('ALTER TABLE', 'ALTER FOREIGN TABLE',
			'ALTER VIEW', 'ALTER TYPE', 'ALTER DOMAIN')) THEN
		RETURN;
	END IF;
	PERFORM pg_catalog.set_config('ri_replay.tracked', 'on', false);

	-- A statement run from a function, a DO block or another event
	-- trigger: current_query() is the outer statement, whose text does not
	-- begin with this command's tag, or which began another DROP or ALTER
	-- TABLE of this session already (same statement_timestamp()).
	-- (E'' strings: the scripts change standard_conforming_strings.)
	first_words := pg_catalog.upper(pg_catalog.regexp_replace(q,
		E'^(\\s|--[^\\n]*(\\n|$)|/\\*([^*]|\\*+[^*/])*\\*+/)+', ''));
	ts := pg_catalog.extract('epoch', pg_catalog.statement_timestamp())::text;
	nested := NOT COALESCE(first_words OPERATOR(pg_catalog.~)
				(E'^' OPERATOR(pg_catalog.||)
				 pg_catalog.replace(tg_tag, ' ', E'\\s+')
				 OPERATOR(pg_catalog.||) E'\\M'), false)
		OR pg_catalog.current_setting('ri_replay.stmt_ts', true) IS NOT DISTINCT FROM ts;
	PERFORM pg_catalog.set_config('ri_replay.stmt_ts', ts, false);

	RAISE LOG 'ri_replay %', pg_catalog.json_build_object(
		'ev', 'start', 'key', k, 'tag', tg_tag, 'nested', nested,
		'user', current_user, 'query', q);
	IF nested THEN
		RETURN;
	END IF;

	BEGIN
		SELECT pg_catalog.json_agg(pg_catalog.json_build_array(
					p.classid, p.objid, p.objsubid, p.object_type,
					p.object_identity) ORDER BY p.position)::text
		  INTO rows_json
		  FROM ri_audit.drop_preview(q) AS p;
		rows_json := COALESCE(rows_json, '[]');
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	END;

	IF st IS NULL THEN
		PERFORM pg_catalog.set_config('ri_replay.preview', rows_json, false);
		RAISE LOG 'ri_replay %', pg_catalog.json_build_object(
			'ev', 'preview', 'key', k, 'rows', rows_json::json);
	ELSE
		RAISE LOG 'ri_replay %', pg_catalog.json_build_object(
			'ev', 'preview', 'key', k, 'sqlstate', st, 'message', msg);
	END IF;
EXCEPTION WHEN OTHERS THEN
	-- Never make the script's statement fail.
	RAISE LOG 'ri_replay %', pg_catalog.json_build_object(
		'ev', 'trigger_error', 'key', k, 'where', 'ddl_command_start',
		'sqlstate', SQLSTATE, 'message', SQLERRM);
END
$fn$;

-- Whether the object a preview row names still exists, as the same object.
CREATE FUNCTION ri_replay.still_exists(row_json json) RETURNS boolean
LANGUAGE plpgsql AS $fn$
BEGIN
	RETURN (pg_catalog.pg_identify_object((row_json->>0)::oid,
				(row_json->>1)::oid, (row_json->>2)::int)).identity
		   IS NOT DISTINCT FROM row_json->>4;
EXCEPTION WHEN OTHERS THEN
	RETURN false;
END
$fn$;

CREATE FUNCTION ri_replay.on_drop() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE
	rows_json json;
BEGIN
	SELECT pg_catalog.json_agg(pg_catalog.json_build_array(
				o.classid, o.objid, o.objsubid, o.object_type,
				o.object_identity, o.is_temporary) ORDER BY o.n)
	  INTO rows_json
	  FROM pg_catalog.pg_event_trigger_dropped_objects() WITH ORDINALITY
		   AS o(classid, objid, objsubid, original, normal, is_temporary,
				object_type, schema_name, object_name, object_identity,
				address_names, address_args, n);
	RAISE LOG 'ri_replay %', pg_catalog.json_build_object(
		'ev', 'drop', 'key', pg_catalog.current_setting('ri_replay.key', true),
		'tag', tg_tag, 'rows', rows_json);
EXCEPTION WHEN OTHERS THEN
	RAISE LOG 'ri_replay %', pg_catalog.json_build_object(
		'ev', 'trigger_error', 'key', pg_catalog.current_setting('ri_replay.key', true),
		'where', 'sql_drop', 'sqlstate', SQLSTATE, 'message', SQLERRM);
END
$fn$;

CREATE FUNCTION ri_replay.on_end() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE
	preview text := pg_catalog.current_setting('ri_replay.preview', true);
	remaining json;
BEGIN
	IF pg_catalog.current_setting('ri_replay.tracked', true) IS DISTINCT FROM 'on' THEN
		RETURN;
	END IF;
	-- Previewed objects that still exist, by position in the preview.
	IF COALESCE(preview, '') <> '' THEN
		SELECT pg_catalog.json_agg(r.i - 1 ORDER BY r.i)
		  INTO remaining
		  FROM pg_catalog.json_array_elements(preview::json)
			   WITH ORDINALITY AS r(e, i)
		 WHERE ri_replay.still_exists(r.e);
	END IF;
	RAISE LOG 'ri_replay %', pg_catalog.json_build_object(
		'ev', 'end', 'key', pg_catalog.current_setting('ri_replay.key', true),
		'remaining', COALESCE(remaining, '[]'));
EXCEPTION WHEN OTHERS THEN
	RAISE LOG 'ri_replay %', pg_catalog.json_build_object(
		'ev', 'trigger_error', 'key', pg_catalog.current_setting('ri_replay.key', true),
		'where', 'ddl_command_end', 'sqlstate', SQLSTATE, 'message', SQLERRM);
END
$fn$;

CREATE EVENT TRIGGER ri_replay_start ON ddl_command_start
	EXECUTE FUNCTION ri_replay.on_start();
CREATE EVENT TRIGGER ri_replay_drop ON sql_drop
	EXECUTE FUNCTION ri_replay.on_drop();
CREATE EVENT TRIGGER ri_replay_end ON ddl_command_end
	EXECUTE FUNCTION ri_replay.on_end();
-- Also under session_replication_role = replica.
ALTER EVENT TRIGGER ri_replay_start ENABLE ALWAYS;
ALTER EVENT TRIGGER ri_replay_drop ENABLE ALWAYS;
ALTER EVENT TRIGGER ri_replay_end ENABLE ALWAYS;
