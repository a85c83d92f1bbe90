"""The decree: Decree 30/2020/NĐ-CP's values and grammars, and the Vietnamese words it prescribes."""
