"""Geometry for the land model: distances, adjacency, contiguous clusters, campuses, collector
hubs, compute sites.

All deterministic. Distances are great-circle distances between centroids [km]; contiguity is
decided on the polygons in the parcels' local UTM projection [m].
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse import coo_matrix, csr_matrix, identity
from scipy.sparse.csgraph import connected_components

from optimizer.resource.profiles import group_by_distance, haversine_km

KMEANS_ITERATIONS = 50


def distance_matrix_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distances [km] between points 1 (rows) and points 2 (columns)."""
    lat1, lon1 = np.asarray(lat1, float)[:, None], np.asarray(lon1, float)[:, None]
    return haversine_km(lat1, lon1, np.asarray(lat2, float)[None, :], np.asarray(lon2, float))


def parcel_adjacency(parcels: gpd.GeoDataFrame, gap_m: float = 30.0) -> csr_matrix:
    """Which parcels are adjacent: polygons that touch or lie within ``gap_m`` [m].

    An n x n boolean sparse matrix (diagonal included), from one spatial-index query
    (``dwithin`` on an STRtree, in the parcels' local UTM projection; no pairwise loop).
    """
    n = len(parcels)
    if n == 0:
        return csr_matrix((0, 0), dtype=bool)
    geoms = parcels.to_crs(parcels.estimate_utm_crs()).geometry.values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=max(gap_m, 0.0))
    graph = coo_matrix((np.ones(len(left), dtype=bool), (left, right)), shape=(n, n))
    return (graph.tocsr() + identity(n, dtype=bool, format="csr")).astype(bool)


def parcel_clusters(parcels: gpd.GeoDataFrame, gap_m: float = 30.0, adjacency=None) -> np.ndarray:
    """Label contiguous groups of parcels: polygons that touch or lie within ``gap_m`` [m].

    Connected components of the graph whose edges join parcels at most ``gap_m`` apart (in the
    local UTM projection; ``adjacency``: that graph from :func:`parcel_adjacency`, computed
    when None). Labels are numbered 0.. in order of each cluster's first parcel.
    """
    n = len(parcels)
    if n == 0:
        return np.zeros(0, dtype=int)
    graph = parcel_adjacency(parcels, gap_m) if adjacency is None else adjacency
    _, raw = connected_components(graph, directed=False)
    _, first = np.unique(raw, return_index=True)
    order = np.argsort(np.argsort(first))  # relabel by first appearance
    return order[raw]


def campuses(adjacency: csr_matrix, site_parcel: np.ndarray) -> list[np.ndarray]:
    """The campus of each candidate site: its parcel first, then the parcels adjacent to it.

    A star around the site parcel: contiguous whenever the site parcel is bought.
    """
    out = []
    for p in np.asarray(site_parcel, int):
        row = adjacency.indices[adjacency.indptr[p] : adjacency.indptr[p + 1]]
        out.append(np.concatenate(([p], np.sort(row[row != p]))).astype(int))
    return out


def within_km(lat: np.ndarray, lon: np.ndarray, km: float) -> csr_matrix:
    """Which parcels' centroids lie within ``km`` [km] of each other (great circle): an n x n
    boolean sparse matrix, diagonal included (a KD-tree on local km, each pair confirmed by
    :func:`haversine_km`)."""
    from scipy.spatial import cKDTree

    n = len(lat)
    if n == 0 or not km > 0:
        return identity(n, dtype=bool, format="csr")
    pairs = cKDTree(_local_xy_km(lat, lon)).query_pairs(km * 1.02, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    keep = haversine_km(lat[i], lon[i], lat[j], lon[j]) <= km
    i, j = i[keep], j[keep]
    graph = coo_matrix((np.ones(2 * len(i), bool), (np.r_[i, j], np.r_[j, i])), shape=(n, n))
    return (graph.tocsr() + identity(n, dtype=bool, format="csr")).astype(bool)


def collector_hubs(
    lat: np.ndarray, lon: np.ndarray, radius_km: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group parcels around collector substations (hubs) within ``radius_km`` [km].

    Returns the hub index of each parcel and the hub locations [deg] (mean of member centroids).
    """
    labels = group_by_distance(lat, lon, radius_km)
    k = int(labels.max()) + 1 if len(labels) else 0
    counts = np.bincount(labels, minlength=k)
    hub_lat = np.bincount(labels, weights=lat, minlength=k) / counts
    hub_lon = np.bincount(labels, weights=lon, minlength=k) / counts
    return labels, hub_lat, hub_lon


def _local_xy_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Equirectangular coordinates [km] about the mean point (for clustering only)."""
    lat0 = np.radians(np.mean(lat))
    return np.column_stack((lon * 111.32 * np.cos(lat0), lat * 110.57))


def weighted_kmeans(xy: np.ndarray, weight: np.ndarray, k: int) -> np.ndarray:
    """Deterministic weighted k-means: maximin seeding from the heaviest point, Lloyd steps.

    Returns the ``k`` (or fewer, when there are fewer points) centre coordinates.
    """
    k = min(k, len(xy))
    centres = [xy[int(np.argmax(weight))]]
    for _ in range(1, k):
        d = np.min(((xy[:, None, :] - np.array(centres)[None]) ** 2).sum(axis=2), axis=1)
        centres.append(xy[int(np.argmax(d * (weight > 0)))])
    c = np.array(centres, dtype=float)
    for _ in range(KMEANS_ITERATIONS):
        label = np.argmin(((xy[:, None, :] - c[None]) ** 2).sum(axis=2), axis=1)
        new = c.copy()
        for j in range(k):
            w = weight * (label == j)
            if w.sum() > 0:
                new[j] = (xy * w[:, None]).sum(axis=0) / w.sum()
        if np.allclose(new, c):
            break
        c = new
    return c


def candidate_sites(
    parcels,
    n_sites: int,
    min_quantile: float = 0.75,
    hall_acres: float = 0.0,
    adjacency=None,
    reach=None,
) -> np.ndarray:
    """Indices of the candidate compute-site parcels.

    Parcels flagged ``compute_site`` (with buildable land) when the layer has any; otherwise the
    parcel nearest each of ``n_sites`` weighted k-means centres of the buildable land, chosen
    among the largest sites (size at or above the ``min_quantile`` quantile) so that a data
    hall can fit. The size is a parcel's buildable acres; when no parcel holds ``hall_acres``
    [acre] (the least hall of the target) and ``adjacency`` (:func:`parcel_adjacency`) is
    given, its campus acres (its own plus its neighbours', :func:`campuses`), among the
    parcels whose campus holds the hall (all, when none does); when no such campus holds it
    and ``reach`` is given (adjacency or :func:`within_km` of the campus distance, a boolean
    n x n matrix), the acres within reach instead. Sorted, unique.
    """
    acres = parcels["buildable_acres"].to_numpy(float)
    flagged = parcels.get("compute_site")
    if flagged is not None and np.asarray(flagged, bool).any():
        return np.flatnonzero(np.asarray(flagged, bool) & (acres > 0))
    usable = np.flatnonzero(acres > 0)
    if len(usable) == 0:
        return usable
    xy = _local_xy_km(parcels["lat"].to_numpy(float), parcels["lon"].to_numpy(float))
    centres = weighted_kmeans(xy[usable], acres[usable], n_sites)
    size, pool = acres, usable
    if adjacency is not None and hall_acres > acres.max():
        size = adjacency @ acres  # campus acres [acre]
        if reach is not None and not (size[usable] >= hall_acres).any():
            size = reach @ acres  # the campus within reach [acre]
        fits = usable[size[usable] >= hall_acres]
        pool = fits if len(fits) else usable
    large = pool[size[pool] >= np.quantile(size[pool], min_quantile)]
    chosen = set()
    for c in centres:
        free = np.array([p for p in large if p not in chosen] or large)
        chosen.add(int(free[np.argmin(((xy[free] - c) ** 2).sum(axis=1))]))
    return np.array(sorted(chosen), dtype=int)
