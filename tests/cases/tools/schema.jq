# SPDX-License-Identifier: GPL-2.0
#
# A small JSON Schema checker in jq (the guest has jq, not python): type
# (one or a list; "integer" is a whole number), enum, pattern, properties,
# required, additionalProperties: false, items. Prints one line per
# violation, none when the document matches.
# usage: jq -r --slurpfile schema FILE.schema.json -f schema.jq DOC.json

def violations($s; $path):
	(if $s.type then
		(if ($s.type | type) == "array" then $s.type else [$s.type] end) as $want
		| (type as $t | if $t == "number" and . == floor then ["integer", "number"] else [$t] end) as $have
		| if any($want[]; . as $w | $have | index([$w])) then empty
		  else "\($path): \(type) \(tojson), wanted \($want | join(" or "))" end
	 else empty end),
	(if $s.enum then
		. as $v | if any($s.enum[]; . == $v) then empty
		else "\($path): \(tojson) is not one of \($s.enum | tojson)" end
	 else empty end),
	(if $s.pattern and type == "string" then
		if test($s.pattern) then empty
		else "\($path): \(tojson) does not match \($s.pattern)" end
	 else empty end),
	(if type == "object" then
		(($s.required // [])[] as $k
			| if has($k) then empty else "\($path): no key \"\($k)\"" end),
		(. as $o | keys_unsorted[] as $k
			| if ($s.properties // {}) | has($k) then
				($o[$k] | violations($s.properties[$k]; "\($path).\($k)"))
			  elif $s.additionalProperties == false then
				"\($path): unknown key \"\($k)\""
			  else empty end)
	 else empty end),
	(if type == "array" and $s.items then
		to_entries[] | .key as $i | .value | violations($s.items; "\($path)[\($i)]")
	 else empty end);

violations($schema[0]; "")
