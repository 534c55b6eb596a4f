"""Distances, contiguous clusters, collector hubs and candidate compute sites."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from optimizer.resource import geo

UTM = "EPSG:32612"
X0, Y0 = 330_000.0, 3_700_000.0


def parcels(boxes, acres=None):
    gdf = gpd.GeoDataFrame(geometry=[box(*b) for b in boxes], crs=UTM).to_crs(4326)
    c = gpd.GeoSeries([box(*b).centroid for b in boxes], crs=UTM).to_crs(4326)
    gdf["lat"], gdf["lon"] = c.y.to_numpy(), c.x.to_numpy()
    gdf["buildable_acres"] = acres if acres is not None else [100.0] * len(boxes)
    return gdf


def test_distance_matrix_matches_utm_distance():
    gdf = parcels([(X0, Y0, X0 + 10, Y0 + 10), (X0 + 10_000, Y0, X0 + 10_010, Y0 + 10)])
    d = geo.distance_matrix_km(gdf["lat"], gdf["lon"], gdf["lat"], gdf["lon"])
    assert d.shape == (2, 2)
    assert d[0, 1] == pytest.approx(10.0, rel=5e-3)  # sphere vs ellipsoid and UTM scale
    assert d[0, 0] == pytest.approx(0.0, abs=1e-9)


def test_clusters_join_touching_and_near_parcels_only():
    s = 400.0
    boxes = [
        (X0, Y0, X0 + s, Y0 + s),  # A
        (X0 + s, Y0, X0 + 2 * s, Y0 + s),  # B touches A
        (X0 + 2 * s + 20, Y0, X0 + 3 * s, Y0 + s),  # C 20 m from B
        (X0 + 3 * s + 100, Y0, X0 + 4 * s, Y0 + s),  # D 100 m from C
    ]
    gdf = parcels(boxes)
    assert geo.parcel_clusters(gdf, gap_m=30).tolist() == [0, 0, 0, 1]
    assert geo.parcel_clusters(gdf, gap_m=0).tolist() == [0, 0, 1, 2]
    assert geo.parcel_clusters(gdf, gap_m=150).tolist() == [0, 0, 0, 0]


def test_hubs_group_within_the_radius():
    lat = np.array([33.0, 33.001, 33.2, 33.201])
    lon = np.array([-113.0, -113.0, -113.0, -113.0])
    hub, hlat, hlon = geo.collector_hubs(lat, lon, radius_km=2.0)
    assert hub.tolist() == [0, 0, 1, 1]
    assert hlat == pytest.approx([33.0005, 33.2005])


def test_candidate_sites_are_flagged_or_large_and_spread():
    boxes = [(X0 + i * 5000, Y0 + k * 5000, X0 + i * 5000 + 800, Y0 + k * 5000 + 800)
             for i in range(4) for k in range(4)]  # fmt: skip
    acres = np.array([50.0] * 16)
    acres[[0, 15, 5]] = [500.0, 500.0, 400.0]
    gdf = parcels(boxes, acres)
    sites = geo.candidate_sites(gdf, 2)
    assert set(sites) <= set(np.flatnonzero(acres >= np.quantile(acres, 0.75)))
    assert len(sites) == 2 and np.array_equal(sites, geo.candidate_sites(gdf, 2))
    gdf["compute_site"] = False
    gdf.loc[[3, 7], "compute_site"] = True
    assert geo.candidate_sites(gdf, 2).tolist() == [3, 7]
    gdf["buildable_acres"] = 0.0  # flagged, but swallowed by exclusions
    assert geo.candidate_sites(gdf, 2).tolist() == []


def test_weighted_kmeans_is_deterministic_and_finds_two_groups():
    xy = np.array([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]], dtype=float)
    c = geo.weighted_kmeans(xy, np.ones(6), 2)
    assert np.sort(c, axis=0) == pytest.approx(np.array([[1 / 3, 1 / 3], [31 / 3, 31 / 3]]))


def test_campuses_are_the_site_parcel_and_its_neighbours():
    s = 400.0
    boxes = [
        (X0, Y0, X0 + s, Y0 + s),  # A
        (X0 + s, Y0, X0 + 2 * s, Y0 + s),  # B touches A
        (X0 + 2 * s + 20, Y0, X0 + 3 * s, Y0 + s),  # C 20 m from B
        (X0 + 3 * s + 100, Y0, X0 + 4 * s, Y0 + s),  # D 100 m from C
    ]
    adj = geo.parcel_adjacency(parcels(boxes), gap_m=30)
    assert [c.tolist() for c in geo.campuses(adj, np.array([1, 3]))] == [[1, 0, 2], [3]]
    assert geo.parcel_clusters(parcels(boxes), adjacency=adj).tolist() == [0, 0, 0, 1]


def test_candidate_sites_rank_campuses_when_no_parcel_holds_the_hall():
    """Pairs of touching 100-acre parcels far apart, one lone 150-acre parcel: a 180-acre
    hall fits no parcel, only a pair's campus (200 acres), so the candidates come from pairs."""
    boxes, acres = [], []
    for i in range(4):
        x = X0 + i * 5000
        boxes += [(x, Y0, x + 600, Y0 + 600), (x + 600, Y0, x + 1200, Y0 + 600)]
        acres += [100.0, 100.0]
    boxes.append((X0, Y0 + 9000, X0 + 800, Y0 + 9800))
    acres.append(150.0)
    gdf = parcels(boxes, np.array(acres))
    adj = geo.parcel_adjacency(gdf, gap_m=30)
    sites = geo.candidate_sites(gdf, 3, hall_acres=180.0, adjacency=adj)
    assert len(sites) == 3 and 8 not in sites
    assert 8 in geo.candidate_sites(gdf, 3, min_quantile=0.0)  # by parcel acres: the lone one


def test_within_km_pairs_centroids_by_great_circle_distance():
    """Three points on a meridian, 1.0 and 2.5 km north of the first (110.95 km per degree)."""
    lat = np.array([33.0, 33.0 + 1.0 / 110.95, 33.0 + 2.5 / 110.95])
    lon = np.full(3, -112.5)
    near = geo.within_km(lat, lon, 2.0).toarray()
    assert near.tolist() == [[True, True, False], [True, True, True], [False, True, True]]
    assert geo.within_km(lat, lon, 0.0).toarray().tolist() == np.eye(3, dtype=bool).tolist()
