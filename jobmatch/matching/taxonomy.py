"""The occupation taxonomy: the curated occupations, with their colloquial aliases, tasks and second-choice
neighbours, grouped into fields; and (when given) every code of the national classification (CSCO 2022), each an
occupation named by its code. A curated occupation stands for its CSCO codes, and the classification's minor groups
make neighbours. The coder that reads free text to these occupations is in occupations.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from .csco import Classification, minor_group


@dataclass(frozen=True)
class Occupation:
    id: str
    name: str
    csco_code: str
    csco_name: str
    group: str
    entry_level: bool
    aliases: tuple[str, ...]
    tasks: tuple[str, ...]
    neighbours: tuple[str, ...]


class Taxonomy:
    """The curated occupations and their groups, and (when given) every code of the classification."""

    def __init__(self, data: dict, classification: Classification | None = None):
        self.groups = {g["id"]: g for g in data.get("groups", [])}
        self.classification = classification or Classification.empty()
        self.occupations = {
            o["id"]: Occupation(
                id=o["id"],
                name=o["name"],
                csco_code=o.get("csco_code", ""),
                csco_name=o.get("csco_name", ""),
                group=o.get("group", ""),
                entry_level=bool(o.get("entry_level", False)),
                aliases=tuple(o.get("aliases", ())),
                tasks=tuple(o.get("tasks", ())),
                neighbours=tuple(o.get("neighbours", ())),
            )
            for o in data.get("occupations", [])
        }
        # The CSCO codes each curated occupation stands for: its own, and others employers' titles are coded with.
        known = self.classification.names
        self.codes_of: dict[str, tuple[str, ...]] = {
            o["id"]: tuple(c for c in dict.fromkeys([o.get("csco_code", ""), *o.get("csco_also", ())]) if c in known)
            for o in data.get("occupations", [])
        }
        self.curated = list(self.occupations)
        for code, name in known.items():
            self.occupations.setdefault(code, Occupation(code, name, code, name, "", False, (), (), ()))
        self.ids = list(self.occupations)
        self.position = {oid: i for i, oid in enumerate(self.ids)}
        self.group_codes = {gid: [c for c in g.get("csco", []) if c in known] for gid, g in self.groups.items()}
        self.group_members: dict[str, list[str]] = {}
        for occ in self.occupations.values():
            if occ.group:
                self.group_members.setdefault(occ.group, []).append(occ.id)
        # A broad word covers related groups too: 进厂 means any factory floor, garment and plastics included.
        for gid, group in self.groups.items():
            for included in group.get("includes", []):
                self.group_members.setdefault(gid, []).extend(self.group_members.get(included, []))
        # Someone who asks for a whole field (想进厂) means the work anyone can start, and the field's own code;
        # turning a field down (不想进厂) turns down all of it.
        self.group_entry = {
            gid: [m for m in members if self.occupations[m].entry_level] or members
            for gid, members in self.group_members.items()
        }
        # A field word also stands for the codes of the work anyone can start in it (开车: 4-02-02-01 ...), except a
        # code that skilled work shares: 剪线头 and 缝纫 are both 6-05-01-03, and 想进厂 does not mean sewing.
        skilled = {
            c
            for gid, entry in self.group_entry.items()
            for m in self.group_members[gid]
            if m not in entry
            for c in self.codes_of.get(m, ())
        }
        for gid, entry in list(self.group_entry.items()):
            safe = [c for m in entry for c in self.codes_of.get(m, ()) if c not in skilled]
            self.group_entry[gid] = entry + list(dict.fromkeys(safe + self.group_codes.get(gid, [])))
            self.group_members[gid] = self.group_members[gid] + list(
                dict.fromkeys(safe + self.group_codes.get(gid, []))
            )
        for gid, codes in self.group_codes.items():
            if gid not in self.group_entry:
                self.group_entry[gid] = list(codes)
                self.group_members[gid] = list(codes)

    @classmethod
    def load(cls, path: str | Path, classification: Classification | None = None) -> Taxonomy:
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f), classification)

    @classmethod
    def empty(cls) -> Taxonomy:
        return cls({})

    def __len__(self) -> int:
        return len(self.occupations)

    def implied(self, scores: dict[str, float]) -> dict[str, float]:
        """The CSCO codes that curated occupations stand for, at their occupation's score (the strongest wins)."""
        out: dict[str, float] = {}
        for occ_id, score in scores.items():
            for code in self.codes_of.get(occ_id, ()):
                if score > out.get(code, 0.0):
                    out[code] = score
        return out

    def _links(self, pairs: set[tuple[str, str]]) -> sparse.csr_matrix:
        n = len(self.ids)
        rows = [self.position[a] for a, b in pairs if a != b]
        cols = [self.position[b] for a, b in pairs if a != b]
        links = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        links.data[:] = 1.0  # a pair listed twice is still one link
        return links

    def neighbour_matrix(self) -> sparse.csr_matrix:
        """N[a, b] = 1 when b is a second choice for a: our own links, and the classification's hierarchy (two
        occupations of one CSCO minor group, such as 6-05-01 缝纫人员; a field's code for each of its members).
        Links are symmetric."""
        pairs: set[tuple[str, str]] = set()
        by_minor: dict[str, set[str]] = {}
        for occ in self.occupations.values():
            for code in self.codes_of.get(occ.id) or ((occ.csco_code,) if occ.csco_code else ()):
                by_minor.setdefault(minor_group(code), set()).add(occ.id)
        for members in by_minor.values():
            pairs.update((a, b) for a in members for b in members)
        for occ in self.occupations.values():
            for other in occ.neighbours:
                if other in self.position:
                    pairs.update({(occ.id, other), *((occ.id, c) for c in self.codes_of.get(other, ()))})
        for gid, codes in self.group_codes.items():
            pairs.update((m, c) for m in self.group_members.get(gid, []) if m not in codes for c in codes)
        return self._links(pairs | {(b, a) for a, b in pairs})

    def group_matrix(self) -> sparse.csr_matrix:
        """G[a, b] = 1 when a and b are different curated occupations of one group."""
        members: dict[str, list[str]] = {}
        for occ in self.occupations.values():
            if occ.group:
                members.setdefault(occ.group, []).append(occ.id)
        return self._links({(a, b) for group in members.values() for a in group for b in group})
